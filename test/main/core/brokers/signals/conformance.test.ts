/** signals runs the adapter conformance suite against its simulator (skipped rows say why in harness.ts). */
import { describeAdapterConformance } from '../conformance';
import { signalsSubject } from './harness';

describeAdapterConformance(signalsSubject);
