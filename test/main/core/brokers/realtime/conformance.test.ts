/** realtime runs the adapter conformance suite against its simulator (skipped rows say why in harness.ts). */
import { describeAdapterConformance } from '../conformance';
import { realtimeSubject } from './harness';

describeAdapterConformance(realtimeSubject);
