/** A portfolio-stream gateway inside the real Engine, against the simulator on loopback. */
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../../src/main/core/engine';
import { PortfolioStreamConnection } from '../../../../../src/main/core/brokers/portfolio-stream/connection';
import { DEMO_SESSION, PortfolioStreamSim } from '../../../../../sim/portfolio-stream/server';
import { until } from '../../supervisor/support';

let sim: PortfolioStreamSim | null = null;
let engine: Engine | null = null;
afterEach(async () => {
  await engine?.stop();
  engine = null;
  await sim?.stop();
  sim = null;
});

function gateway(url: string): PortfolioStreamConnection {
  return new PortfolioStreamConnection({
    kind: 'portfolio-stream',
    id: 'ps',
    url,
    sessionCookie: DEMO_SESSION,
    mode: 'paper',
  });
}

describe('Engine with a portfolio-stream gateway', () => {
  it('publishes the gateway as not trading, from its first health on', () => {
    const e = Engine.create({ paper: false, connections: [gateway('ws://127.0.0.1:1/ws/portfolio')] });
    engine = e;
    expect(e.snapshot().connections.map((c) => [c.id, c.trading])).toEqual([['ps', false]]);
  });

  it('totals the tray P&L from the broker’s day P&L, not unrealized minus fees', async () => {
    sim = new PortfolioStreamSim({ batchIntervalMs: 30 });
    const { url } = await sim.start();
    const e = Engine.create({ paper: false, connections: [gateway(url)], flushMs: 5 });
    engine = e;
    await e.start();
    await until(() => e.ledger.accounts().some((a) => a.verified), 'verified account');
    const a = e.ledger.account('ps', 'user-demo');
    // The seeded positions carry open profit the day has not made: the two figures differ.
    expect(Math.abs((a?.unrealizedPnl ?? 0) - (a?.dayPnl ?? 0))).toBeGreaterThan(1);
    const s = e.pnlSummary();
    expect(s.totalPnl).toBe(s.dayPnl);
    expect(s.totalPnl).toBe(Math.round((a?.dayPnl ?? NaN) * 100) / 100);
  });
});
