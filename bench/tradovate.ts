/**
 * Tradovate market-data benchmark (issue 10): the same `a[{"e":"md",…}]` quote frames, sent by the
 * Tradovate simulator over a real loopback socket, read by a bare `ws` + `JSON.parse` + `Map.set`
 * client and by the real adapter (framing, zod, partial-entry merge, Supervisor) feeding a Ledger
 * that holds positions in every contract. The adapter should keep ≥ 75 % of the bare rate.
 * Run alone with `npx tsx bench/tradovate.ts`; `bench/run.ts` imports `benchTradovate`.
 */
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { TradovateAdapter, type TradovateState } from '../src/main/core/brokers/tradovate/adapter';
import { TradovateSession } from '../src/main/core/brokers/tradovate/session';
import { TradovateStore } from '../src/main/core/brokers/tradovate/store';
import { Ledger } from '../src/main/core/ledger';
import { Supervisor } from '../src/main/core/supervisor/supervisor';
import { mulberry32 } from '../src/shared/random';
import {
  futures,
  TRADOVATE_APP_ID,
  TRADOVATE_CID,
  TRADOVATE_PASSWORD,
  TRADOVATE_SEC,
  TRADOVATE_USER,
  TradovateSim,
} from '../sim/tradovate';

const FRAMES = 40_000;
const RUNS = 3;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Quote frames as Tradovate sends them: one event, three contracts, partial entries. */
function makeFrames(n: number): string[] {
  const rng = mulberry32(3);
  const mids = futures.map((f) => f.startPrice);
  const out: string[] = [];
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    const quotes = futures.map((f, k) => {
      const mid = (mids[k] ?? 0) + Math.round((rng() - 0.5) * 4) * f.tickSize;
      mids[k] = mid;
      const entries: Record<string, unknown> = {
        Bid: { price: mid, size: 10 + (i % 7) },
        Offer: { price: mid + f.tickSize, size: 12 },
      };
      if (i % 3 === 0) entries.Trade = { price: mid, size: 1 };
      return { timestamp: new Date(t0 + i).toISOString(), contractId: f.contractId, entries };
    });
    out.push(`a${JSON.stringify([{ e: 'md', d: { quotes } }])}`);
  }
  return out;
}

async function bare(sim: TradovateSim, frames: string[]): Promise<number> {
  const ws = new WebSocket(sim.address().urls[1] ?? '', { perMessageDeflate: false });
  const latest = new Map<number, unknown>();
  let count = 0;
  const target = frames.length * futures.length;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  let authorized: () => void = () => undefined;
  const ready = new Promise<void>((r) => (authorized = r));
  ws.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    if (text[0] !== 'a') return;
    for (const m of JSON.parse(text.slice(1)) as {
      i?: number;
      e?: string;
      d?: { quotes?: { contractId: number }[] };
    }[]) {
      if (m.i === 0) authorized();
      if (m.e !== 'md') continue;
      for (const q of m.d?.quotes ?? []) {
        latest.set(q.contractId, q);
        if (++count === target) done();
      }
    }
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(`authorize\n0\n\n${sim.issueToken().mdAccessToken}`);
  await ready;
  const t = performance.now();
  sim.blastMarketData(frames);
  await finished;
  const elapsed = (performance.now() - t) / 1000;
  ws.terminate();
  return target / elapsed;
}

async function adapter(sim: TradovateSim, frames: string[]): Promise<number> {
  const a = sim.address();
  const session = new TradovateSession({
    restUrl: `${a.httpUrl}/v1`,
    connectionId: 'tdv',
    logger: quiet,
    credentials: {
      name: TRADOVATE_USER,
      password: TRADOVATE_PASSWORD,
      appId: TRADOVATE_APP_ID,
      appVersion: '1.0',
      cid: TRADOVATE_CID,
      sec: TRADOVATE_SEC,
    },
  });
  const state: TradovateState = {
    store: new TradovateStore('tdv', quiet),
    interest: new Set(futures.map((f) => f.name)),
    quoted: new Set(),
  };
  const sup = new Supervisor({
    id: 'tdv',
    kind: 'tradovate',
    label: 'bench',
    mode: 'demo',
    adapter: new TradovateAdapter({
      connectionId: 'tdv',
      label: 'bench',
      tradingUrl: a.urls[0] ?? '',
      marketDataUrl: a.urls[1] ?? '',
      session,
      state,
      heartbeatMs: 60_000,
      logger: quiet,
    }),
    logger: quiet,
  });
  const ledger = new Ledger();
  ledger.registerConnection('tdv', 'demo');
  const seen = new Set<string>();
  let count = 0;
  let target = Number.POSITIVE_INFINITY;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  sup.start((e) => {
    ledger.apply('tdv', e);
    if (e.type !== 'quote') return;
    seen.add(e.quote.symbol);
    if (++count === target) done();
  });
  while (sup.state !== 'live' || seen.size < futures.length) await new Promise((r) => setTimeout(r, 10));
  count = 0;
  target = frames.length * futures.length;
  const t = performance.now();
  sim.blastMarketData(frames);
  await finished;
  const elapsed = (performance.now() - t) / 1000;
  sup.stop();
  return target / elapsed;
}

export async function benchTradovate(): Promise<{ markdown: string }> {
  const frames = makeFrames(FRAMES);
  const sim = new TradovateSim({
    port: 0,
    worldOptions: { tickMs: 3_600_000 },
    heartbeatMs: 600_000,
    inboundSilenceMs: 600_000,
    seedPositions: futures.map((f) => ({ symbol: f.name, qty: 1, avgPrice: f.startPrice })),
  });
  await sim.start();
  let b = 0;
  let ad = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      b = Math.max(b, await bare(sim, frames));
      ad = Math.max(ad, await adapter(sim, frames));
    }
  } finally {
    await sim.stop();
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `Quotes per second from the Tradovate simulator over one loopback socket (${fmt(FRAMES)} frames of 3 contracts, partial entries; best of ${RUNS}):`,
    '',
    '| path | quotes/s | vs bare |',
    '|---|---:|---:|',
    `| bare: \`ws\` + \`JSON.parse\` + \`Map.set\` | ${fmt(b)} | 1.00 |`,
    `| adapter: framing + zod + merge + Supervisor + Ledger | ${fmt(ad)} | ${(ad / b).toFixed(2)} |`,
    '',
  ];
  return { markdown: lines.join('\n') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { markdown } = await benchTradovate();
  console.log(markdown);
}
