/**
 * Engine benchmark: how many ticks per second the Ledger + StreamBatcher absorb on one core,
 * next to a bare `JSON.parse` + `Map.set` baseline on the same frames, and what leaves the engine
 * (batches/s, largest batch) when 1k, 10k and 100k ticks/s are fed in.
 * Run alone with `npx tsx bench/engine.ts`; `bench/run.ts` may import `benchEngine`.
 */
import { pathToFileURL } from 'node:url';
import { BarStore } from '../src/main/core/bars';
import { StreamBatcher } from '../src/main/core/batcher';
import type { ConnectionEvent } from '../src/main/core/connection';
import { Ledger } from '../src/main/core/ledger';
import { paperInstruments } from '../src/main/core/paper/instruments';
import { mulberry32 } from '../src/shared/random';
import type { Batch } from '../src/shared/stream';
import { roundToStep } from '../src/shared/money';

const CID = 'paper';
const ACCOUNT = 'PAPER-1';

/** Quote frames as a socket would deliver them (JSON text), cycling through the paper symbols. */
function makeFrames(n: number): string[] {
  const rng = mulberry32(1);
  const mids = paperInstruments.map((p) => p.startPrice);
  const frames: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const k = i % paperInstruments.length;
    const spec = paperInstruments[k];
    if (spec === undefined) continue;
    const tick = spec.instrument.tickSize;
    const mid = roundToStep((mids[k] ?? 0) + Math.round((rng() - 0.5) * 4) * tick, tick);
    mids[k] = mid;
    const ev: ConnectionEvent = {
      type: 'quote',
      quote: {
        symbol: spec.instrument.symbol,
        connectionId: CID,
        bid: mid,
        ask: roundToStep(mid + tick, tick),
        last: mid,
        bidSize: 10,
        askSize: 12,
        open: spec.startPrice,
        volume: i,
        ts: 1_700_000_000_000 + i,
        receivedAt: 1_700_000_000_000 + i,
      },
    };
    frames[i] = JSON.stringify(ev);
  }
  return frames;
}

/** An engine core as the hosts run it: instruments listed, a position in every symbol, one chart open. */
async function makeCore(autoFlush: boolean, flushMs = 16) {
  const ledger = new Ledger();
  const bars = new BarStore();
  const batcher = new StreamBatcher(ledger, bars, { autoFlush, flushMs });
  ledger.registerConnection(CID, 'paper');
  ledger.apply(CID, {
    type: 'account',
    account: { accountId: ACCOUNT, name: 'Paper', currency: 'USD', cash: 100_000 },
  });
  ledger.apply(CID, { type: 'resync', snapshot: { accounts: [], orders: [], fills: [] } });
  let n = 0;
  for (const p of paperInstruments) {
    ledger.apply(CID, { type: 'instrument', instrument: p.instrument });
    ledger.apply(CID, {
      type: 'fill',
      fill: {
        id: `seed-${++n}`,
        orderId: `o-${n}`,
        connectionId: CID,
        accountId: ACCOUNT,
        symbol: p.instrument.symbol,
        side: 'buy',
        qty: p.instrument.qtyStep,
        price: p.startPrice,
        commission: 0,
        ts: 0,
      },
    });
  }
  await bars.open(CID, 'ES', '1m', {}, Date.now());
  batcher.flush();
  return { ledger, bars, batcher };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

interface Throughput {
  baselinePerSec: number;
  enginePerSec: number;
}

async function measureThroughput(frames: string[]): Promise<Throughput> {
  let baselineBest = 0;
  let engineBest = 0;
  for (let round = 0; round < 3; round++) {
    // Baseline: parse and store the latest quote per symbol, nothing else.
    const latest = new Map<string, unknown>();
    let t = performance.now();
    for (const f of frames) {
      const ev = JSON.parse(f) as { quote: { symbol: string } };
      latest.set(ev.quote.symbol, ev);
    }
    baselineBest = Math.max(baselineBest, frames.length / ((performance.now() - t) / 1000));

    // Engine: parse, apply to the ledger (marks positions, accounts), trades into the forming
    // bar, and a batch flush every 256 frames (~ a 16 ms window at 16k ticks/s).
    const { ledger, bars, batcher } = await makeCore(false);
    let i = 0;
    t = performance.now();
    for (const f of frames) {
      const ev = JSON.parse(f) as ConnectionEvent;
      ledger.apply(CID, ev);
      if (ev.type === 'quote') bars.onTrade(CID, ev.quote.symbol, ev.quote.last, 1, ev.quote.ts);
      if ((++i & 255) === 0) batcher.flush();
    }
    batcher.flush();
    engineBest = Math.max(engineBest, frames.length / ((performance.now() - t) / 1000));
  }
  return { baselinePerSec: baselineBest, enginePerSec: engineBest };
}

interface RateResult {
  target: number;
  achieved: number;
  batchesPerSec: number;
  maxItems: number;
  maxQuotes: number;
  maxBytes: number;
  lostFills: number;
}

/** Feed `rate` ticks/s (1 in 100 a fill) for `seconds` with the real 16 ms flush timer. */
async function measureRate(frames: string[], rate: number, seconds: number): Promise<RateResult> {
  const { ledger, batcher } = await makeCore(true, 16);
  let batches = 0;
  let maxItems = 0;
  let maxQuotes = 0;
  let maxBytes = 0;
  const fillsOut = new Set<string>();
  const off = batcher.subscribe((m) => {
    if (m.kind !== 'batch') return;
    const b: Batch = m;
    batches++;
    const items =
      b.quotes.length +
      b.bars.length +
      b.orders.length +
      b.fills.length +
      b.positions.length +
      b.accounts.length;
    maxItems = Math.max(maxItems, items);
    maxQuotes = Math.max(maxQuotes, b.quotes.length);
    maxBytes = Math.max(maxBytes, JSON.stringify(b).length);
    for (const f of b.fills) fillsOut.add(f.id);
  });
  const start = performance.now();
  const end = start + seconds * 1000;
  let sent = 0;
  let fillsIn = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      const now = performance.now();
      if (now >= end) return resolve();
      const due = Math.floor(((now - start) / 1000) * rate);
      while (sent < due) {
        const f = frames[sent % frames.length] ?? '';
        ledger.apply(CID, JSON.parse(f) as ConnectionEvent);
        if (sent % 100 === 0) {
          fillsIn++;
          ledger.apply(CID, {
            type: 'fill',
            fill: {
              id: `bench-${fillsIn}`,
              orderId: 'bench',
              connectionId: CID,
              accountId: ACCOUNT,
              symbol: 'ES',
              side: fillsIn % 2 === 0 ? 'buy' : 'sell',
              qty: 1,
              price: 5425,
              commission: 2.25,
              ts: now,
            },
          });
        }
        sent++;
      }
      // Yield to the event loop (and the flush timer) between slices.
      setImmediate(pump);
    };
    pump();
  });
  const elapsed = (performance.now() - start) / 1000;
  // Let the last window flush, then count what reached the subscriber.
  await new Promise<void>((resolve) => {
    const wait = () => (ledger.hasChanges() || batcher.flush() !== null ? setImmediate(wait) : resolve());
    wait();
  });
  off();
  batcher.stop();
  return {
    target: rate,
    achieved: sent / elapsed,
    batchesPerSec: batches / elapsed,
    maxItems,
    maxQuotes,
    maxBytes,
    lostFills: fillsIn - fillsOut.size,
  };
}

export async function benchEngine(): Promise<{ markdown: string }> {
  const frames = makeFrames(300_000);
  const tp = await measureThroughput(frames);
  const rates: RateResult[] = [];
  for (const rate of [1_000, 10_000, 100_000]) rates.push(await measureRate(frames, rate, 3));
  const lines = [
    '### Engine',
    '',
    `Ticks through the engine on one core (JSON quote frames, ${paperInstruments.length} symbols, a position in each, one chart open; best of 3):`,
    '',
    '| path | ticks/s | vs baseline |',
    '|---|---:|---:|',
    `| baseline: \`JSON.parse\` + \`Map.set\` | ${fmt(tp.baselinePerSec)} | 1.00 |`,
    `| engine: parse + Ledger + BarStore + StreamBatcher | ${fmt(tp.enginePerSec)} | ${(tp.enginePerSec / tp.baselinePerSec).toFixed(2)} |`,
    '',
    'Output under load (16 ms flush window, 1 in 100 input events a fill, 3 s each):',
    '',
    '| input ticks/s | achieved | batches/s | max batch items | max quotes/batch | max batch bytes | fills lost |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rates.map(
      (r) =>
        `| ${fmt(r.target)} | ${fmt(r.achieved)} | ${r.batchesPerSec.toFixed(1)} | ${r.maxItems} | ${r.maxQuotes} | ${fmt(r.maxBytes)} | ${r.lostFills} |`,
    ),
    '',
  ];
  return { markdown: lines.join('\n') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { markdown } = await benchEngine();
  console.log(markdown);
}
