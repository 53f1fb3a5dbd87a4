/**
 * Issue 13's profile: the three new gateway kinds, configured exactly as the issue states and read
 * through `PEREGRINE_CONNECTIONS` like a trader's script would, built by their registered kinds and
 * brought live against their simulators; the relay's JWT never reaches a log line or health.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEndpoints, kindSpec } from '../../../../src/main/core/brokers/registry';
import type { Connection, ConnectionEvent } from '../../../../src/main/core/connection';
import { Ledger } from '../../../../src/main/core/ledger';
import { profileFromEnv } from '../../../../src/main/core/profile';
import { DEMO_TOKEN, OrdersRelaySim } from '../../../../sim/orders-relay/server';
import { RealtimeSim } from '../../../../sim/realtime/server';
import { SignalsSim } from '../../../../sim/signals/server';
import { until } from '../supervisor/support';

const running: { stop(): Promise<void> }[] = [];
const conns: Connection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) await c.stop();
  for (const s of running.splice(0)) await s.stop();
});

describe('the three gateways of issue 13 from one PEREGRINE_CONNECTIONS profile', () => {
  it('all live, verified, signals and the trailing stop present; the JWT nowhere', async () => {
    const relay = new OrdersRelaySim({ tradeIntervalMs: 100, positionsIntervalMs: 100, pingMs: 0 });
    const signals = new SignalsSim({ priceIntervalMs: 100, portfolioIntervalMs: 100, signalIntervalMs: 100 });
    const realtime = new RealtimeSim({
      openIntervalMs: 100,
      monitorIntervalMs: 100,
      positionsIntervalMs: 100,
    });
    running.push(relay, signals, realtime);
    const [r, s, rt] = [await relay.start(), await signals.start(), await realtime.start()];
    const env = {
      PEREGRINE_CONNECTIONS: JSON.stringify([
        {
          kind: 'orders-relay',
          id: 'relay',
          mode: 'paper',
          url: r.urls[0],
          urls: { positions: r.urls[1], rest: `${r.httpUrl}/api` },
          secrets: { token: { env: 'RELAY_TOKEN' } },
        },
        { kind: 'signals', id: 'sig', mode: 'paper', url: s.url, options: { clientId: 'terminal' } },
        {
          kind: 'realtime',
          id: 'rt',
          mode: 'paper',
          url: rt.url,
          options: { symbols: ['BTCUSDT'], orderSettleMs: 300 },
        },
      ]),
      RELAY_TOKEN: DEMO_TOKEN,
    };
    const profile = profileFromEnv(env);
    if (profile === null) throw new Error('profile expected');
    const lines: string[] = [];
    // A raw pino without the engine's redaction: proves the adapters never log the JWT themselves.
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const ledger = new Ledger();
    const sink = (id: string, e: ConnectionEvent): void => ledger.apply(id, e);
    for (const c of profile.connections) {
      const spec = kindSpec(c.kind);
      if (spec?.build === undefined) throw new Error(`${c.kind} is buildable`);
      const { entry, problems } = checkEndpoints(spec, {
        id: c.id,
        label: c.label ?? c.id,
        mode: c.mode ?? spec.defaultMode,
        ...(c.url === undefined ? {} : { url: c.url }),
        urls: c.urls ?? {},
        options: c.options ?? {},
      });
      expect(problems).toEqual([]);
      const conn = spec.build(
        entry,
        { get: (name) => (name === 'token' ? env.RELAY_TOKEN : undefined) },
        { logger },
      );
      ledger.registerConnection(conn.id, conn.mode);
      conns.push(conn);
      await conn.start(sink);
    }
    await until(() => conns.every((c) => c.health().state === 'live'), 'all live', 10_000);
    await until(
      () =>
        ledger
          .orders()
          .some((o) => o.connectionId === 'rt' && o.type === 'trailing_stop' && o.trail?.peak != null),
      'the realtime trailing stop with its peak',
      10_000,
    );
    await until(() => ledger.positions().some((p) => p.connectionId === 'relay'), 'relay positions', 10_000);
    expect(
      ledger
        .accounts()
        .filter((a) => a.connectionId === 'rt')
        .every((a) => a.verified),
    ).toBe(true);
    const text = lines.join('\n') + JSON.stringify(conns.map((c) => c.health()));
    expect(text).not.toContain(DEMO_TOKEN);
  });
});
