// `npm run bench`: every benchmark, then docs/benchmarks.md from the figures just measured.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { benchBinance } from './binance';
import { benchChart } from './chart';
import { benchEngine } from './engine';
import { describeMachine } from './machine';
import { benchTradovate } from './tradovate';

interface Section {
  title: string;
  intro: string;
  run: () => Promise<{ markdown: string }>;
  reading: string;
}

const sections: Section[] = [
  {
    title: 'Engine (plain Node, no Electron)',
    intro: '`bench/engine.ts`: the core pipeline the main process runs, fed JSON quote frames in-process.',
    run: benchEngine,
    reading:
      '**Reading.** The baseline row is the floor any Node consumer pays (parse a frame, store the quote); the ' +
      '"vs baseline" column is the share of that rate the real engine keeps. performance.md §7.1 C1 asks for ≥ 75 % of ' +
      'bare parse + Map, and quotes ≥ 150k/s (24hrTicker-size) to ≥ 300k/s (bookTicker-size) per core measured over a ' +
      'socket; this harness has no socket, so compare the ratio, not the absolute rate. Under load, batches/s should ' +
      'stay near one per flush window whatever the input rate, batch size bounded (quotes conflate per symbol), and no ' +
      'fill lost — §7.1 C4 and ARCHITECTURE.md\'s "batch size is bounded whatever the input rate".',
  },
  {
    title: 'Binance feed (real socket)',
    intro:
      '`bench/binance.ts`: Binance `bookTicker` and `24hrTicker` combined-stream frames from a sender in another ' +
      "process into the Binance adapter's market path + Ledger + BarStore + StreamBatcher, beside a bare `ws` + " +
      '`JSON.parse` + `Map` client on the same frames; then a reconnect storm of three Binance connections.',
    run: benchBinance,
    reading:
      '**Reading.** Issue 12 asks for ≥ 75 % of the bare rate; both clients pay the same socket and parse, so the ' +
      'ratio is what to compare. On a machine shared with other jobs the wall-clock rows measure the scheduler ' +
      '(one round can land in a burst of load), so the CPU-second rows — frames per second of CPU this client ' +
      'actually got — are the settled figure; on an idle machine the two agree. The storm row should stay far ' +
      'inside 300 connections / 5 min and never send a control message (streams are named in the URL).',
  },
  {
    title: 'Tradovate market data (real socket)',
    intro:
      '`bench/tradovate.ts`: the same `a[{"e":"md",…}]` quote frames from the Tradovate simulator over one loopback ' +
      'socket, read by a bare `ws` + `JSON.parse` client and by the real adapter under its Supervisor into a Ledger.',
    run: benchTradovate,
    reading:
      '**Reading.** Issue 10 asks the adapter to keep ≥ 75 % of the bare rate on the same frames in the same run.',
  },
  {
    title: 'Chart (headless Chromium, lightweight-charts)',
    intro:
      '`bench/chart.ts`: one live `update()` on a chart whose whole history sits in one series (the naive design) ' +
      'against `SplitCandles` (`src/renderer/chart/splitSeries.ts`): history in a static series, the last bars in a ' +
      'short live series on the same price scale, folded into history every few hundred bars.',
    run: benchChart,
    reading: '',
  },
];

/** Sections bring their own tables; a leading heading of theirs would duplicate ours. */
function body(markdown: string): string {
  return markdown.replace(/^\s*#{1,6} [^\n]*\n+/, '').trim();
}

const started = new Date();
const parts: string[] = [];
let failed = false;
for (const s of sections) {
  console.error(`bench: ${s.title} …`);
  const t0 = performance.now();
  let markdown: string;
  try {
    markdown = body((await s.run()).markdown);
  } catch (err) {
    // Keep the other sections' figures; say plainly that this one has none.
    failed = true;
    markdown = `**Not measured: the benchmark failed** — \`${err instanceof Error ? err.message : String(err)}\``;
  }
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  console.error(`bench: ${s.title} done in ${seconds} s`);
  parts.push(
    `## ${s.title}`,
    '',
    s.intro,
    '',
    markdown,
    '',
    ...(s.reading ? [s.reading, ''] : []),
    `_(took ${seconds} s)_`,
    '',
  );
}

const doc = [
  '# Peregrine benchmarks',
  '',
  `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\`. Every figure below comes from ` +
    'that run; nothing is typed in by hand. Speed and memory are benchmarks, not timed tests (STYLE.md §16): the tests ' +
    'assert behaviour, this page records figures and the ratios that should hold on any machine.',
  '',
  '## Machine',
  '',
  await describeMachine(),
  '',
  'A small VM without GPU, like performance.md §6.1: absolute figures are pessimistic against a desktop; compare ratios.',
  '',
  '## How to run',
  '',
  '```sh',
  'npm run bench            # npm run build, then tsx bench/run.ts; rewrites docs/benchmarks.md',
  'npx tsx bench/chart.ts   # the chart benchmark alone, printed to stdout',
  'npx tsx bench/engine.ts  # the engine benchmark alone',
  '```',
  '',
  'Needs Debian Chromium at `/usr/bin/chromium` (driven by Playwright). Run on an otherwise idle machine; ' +
    'repeat runs vary by ±10–30 % on the small figures.',
  '',
  ...parts,
].join('\n');

const out = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
// Written pre-formatted so `prettier --check .` (npm run lint) passes on the generated page.
writeFileSync(out, await format(doc, { ...(await resolveConfig(out)), filepath: out }));
console.error(`bench: wrote ${out}`);
if (failed) process.exitCode = 1;
