/**
 * Reads the fuse wire of a built app and fails unless it matches the release fuses (or the e2e
 * flavour when PEREGRINE_E2E_BUILD=1). The release workflow runs it on every installer's app:
 *   npx tsx scripts/packaging/check-fuses.ts dist/linux-unpacked/peregrine
 *   npx tsx scripts/packaging/check-fuses.ts dist/mac-arm64/Peregrine.app
 */
import { getCurrentFuseWire } from '@electron/fuses';
import { fuseMismatches } from './afterPack';
import { fuseFlavourFromEnv, fuseStates } from './fuses';

const apps = process.argv.slice(2);
if (apps.length === 0) {
  console.error('usage: check-fuses.ts APP [APP...]');
  process.exit(2);
}
let failed = false;
for (const app of apps) {
  const wire = (await getCurrentFuseWire(app)) as unknown as Record<string, unknown>;
  const wrong = fuseMismatches(wire, fuseStates(fuseFlavourFromEnv(process.env)));
  if (wrong.length > 0) {
    failed = true;
    console.error(`check-fuses: ${app}: wrong state for ${wrong.join(', ')}`);
  } else {
    console.log(`check-fuses: ${app}: fuses as configured`);
  }
}
process.exit(failed ? 1 : 0);
