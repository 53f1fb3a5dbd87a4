/** The demo exchange (the template kind) runs the adapter conformance suite: every row. */
import { describeAdapterConformance } from '../conformance';
import { demoExchangeSubject } from './harness';

describeAdapterConformance(demoExchangeSubject);
