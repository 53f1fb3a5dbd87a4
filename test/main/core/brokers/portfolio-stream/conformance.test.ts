/** portfolio-stream runs the adapter conformance suite against its simulator (every row). */
import { describeAdapterConformance } from '../conformance';
import { portfolioStreamSubject } from './harness';

describeAdapterConformance(portfolioStreamSubject);
