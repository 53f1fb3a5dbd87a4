import { describeAdapterConformance } from '../conformance';
import { binanceSubject } from './harness';

describeAdapterConformance(binanceSubject);
