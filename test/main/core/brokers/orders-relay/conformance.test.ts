/** orders-relay runs the adapter conformance suite against its simulator (rows skipped say why in harness.ts). */
import { describeAdapterConformance } from '../conformance';
import { ordersRelaySubject } from './harness';

describeAdapterConformance(ordersRelaySubject);
