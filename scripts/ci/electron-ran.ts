/**
 * CI guard: the desktop specs (e2e/electron*.spec.ts) skip (and say why) where no Electron binary or display exists,
 * which is right on a machine without internet and wrong on a CI runner, where a skip would be a
 * silent green. Run after `npm test` on runners that installed Electron:
 *   npx tsx scripts/ci/electron-ran.ts [reports/e2e.json]
 * It fails unless the report has desktop tests and every one of them passed.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ReportSuite {
  suites?: ReportSuite[];
  specs?: Array<{
    title: string;
    file?: string;
    tests: Array<{ status: string; results: Array<{ status: string }> }>;
  }>;
}

export interface ElectronOutcome {
  ran: number;
  /** Titles of desktop tests that were skipped, failed or flaky. */
  notPassed: string[];
}

/** e2e/electron.spec.ts and e2e/electron.<topic>.spec.ts: the specs that launch the desktop app. */
const DESKTOP_SPEC = /(^|[\\/])electron(\.[\w-]+)?\.spec\.ts$/;

export function electronOutcome(report: ReportSuite): ElectronOutcome {
  const outcome: ElectronOutcome = { ran: 0, notPassed: [] };
  const walk = (suite: ReportSuite, file: string | undefined): void => {
    for (const spec of suite.specs ?? []) {
      if (!DESKTOP_SPEC.test(spec.file ?? file ?? '')) continue;
      for (const test of spec.tests) {
        outcome.ran++;
        const passed = test.status === 'expected' && test.results.every((r) => r.status === 'passed');
        if (!passed) outcome.notPassed.push(`${spec.title} (${test.status})`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, (child as { file?: string }).file ?? file);
  };
  walk(report, undefined);
  return outcome;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2] ?? 'reports/e2e.json';
  const { ran, notPassed } = electronOutcome(JSON.parse(readFileSync(file, 'utf8')) as ReportSuite);
  if (ran === 0 || notPassed.length > 0) {
    console.error(
      ran === 0
        ? `electron-ran: ${file} has no test from e2e/electron*.spec.ts`
        : `electron-ran: desktop tests did not pass: ${notPassed.join('; ')}`,
    );
    process.exit(1);
  }
  console.log(`electron-ran: ${ran} desktop test(s) launched the real Electron app and passed`);
}
