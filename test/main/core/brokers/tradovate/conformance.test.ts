/** Tradovate runs the adapter conformance suite against its simulator (every row but rotation). */
import { describeAdapterConformance } from '../conformance';
import { tradovateSubject } from './harness';

describeAdapterConformance(tradovateSubject);
