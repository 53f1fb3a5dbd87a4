/**
 * The Tradovate kind's public config shape (issue 10): the registry lists it available, demo and
 * live have default URLs, `urls` overrides them (plain ws:// and http:// only on loopback), the
 * options and secrets build a connection, and the shipped simulator profile parses and connects.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEndpoints, kindInfo, kindSpec } from '../../../../../src/main/core/brokers/registry';
import { TradovateConnection } from '../../../../../src/main/core/brokers/tradovate/connection';
import { buildableKind, buildConnection } from '../../../../../src/main/core/connections/build';
import type { RedactedConnection } from '../../../../../src/main/core/connections/redacted';
import { parseProfile } from '../../../../../src/main/core/profile/profile';
import { TRADOVATE_PASSWORD, TRADOVATE_SEC, TradovateSim } from '../../../../../sim/tradovate';
import { until } from '../../supervisor/support';

const secrets = (m: Record<string, string>) => ({ get: (n: string) => m[n] });
const options = { username: 'trader', appId: 'Peregrine', appVersion: '1.0', cid: '8', deviceId: 'dev-1' };

let sim: TradovateSim | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('tradovate kind', () => {
  it('is listed as available with named endpoints, two secrets and the login options', () => {
    const spec = kindSpec('tradovate');
    expect(spec?.available).toBe(true);
    const info = kindInfo(spec ?? buildableKind('tradovate'));
    expect(info.fields.map((f) => f.name)).toEqual([
      'rest',
      'trading',
      'marketData',
      'password',
      'sec',
      'username',
      'appId',
      'appVersion',
      'cid',
      'deviceId',
    ]);
    expect(info.fields.filter((f) => f.type === 'secret').map((f) => f.name)).toEqual(['password', 'sec']);
  });

  it('demo and live get the default URLs; urls override; plain ws:// only on loopback', () => {
    const spec = buildableKind('tradovate');
    const demo = checkEndpoints(spec, { id: 't', label: 't', mode: 'demo', urls: {}, options });
    expect(demo.problems).toEqual([]);
    expect(demo.entry.urls).toEqual({
      rest: 'https://demo.tradovateapi.com/v1',
      trading: 'wss://demo.tradovateapi.com/v1/websocket',
      marketData: 'wss://md.tradovateapi.com/v1/websocket',
    });
    const live = checkEndpoints(spec, { id: 't', label: 't', mode: 'live', urls: {}, options });
    expect(live.entry.urls.trading).toBe('wss://live.tradovateapi.com/v1/websocket');
    const plain = checkEndpoints(spec, {
      id: 't',
      label: 't',
      mode: 'demo',
      urls: { trading: 'ws://example.com/v1/websocket' },
      options,
    });
    expect(plain.problems.map((p) => p.name)).toEqual(['trading']);
    const loop = checkEndpoints(spec, {
      id: 't',
      label: 't',
      mode: 'demo',
      urls: {
        rest: 'http://127.0.0.1:1/v1',
        trading: 'ws://127.0.0.1:1/v1/websocket',
        marketData: 'ws://localhost:1/md',
      },
      options,
    });
    expect(loop.problems).toEqual([]);
  });

  it('builds a connection from options and secrets; a missing secret or option is a readable error', () => {
    const spec = buildableKind('tradovate');
    const entry = checkEndpoints(spec, {
      id: 'tdv',
      label: 'Tradovate',
      mode: 'demo',
      urls: {},
      options,
    }).entry;
    const conn = buildConnection(
      spec,
      entry,
      secrets({ password: 'pw', sec: 's' }),
      {},
    ) as RedactedConnection;
    expect(conn.inner).toBeInstanceOf(TradovateConnection);
    expect(conn.capabilities.nativeOco).toBe(true);
    expect(() => spec.build(entry, secrets({ password: 'pw' }), {})).toThrow(/API secret is not stored/);
    const { username: _u, ...noUser } = options;
    expect(() =>
      spec.build({ ...entry, options: noUser }, secrets({ password: 'pw', sec: 's' }), {}),
    ).toThrow(/username/);
  });

  it('the shipped simulator profile parses and connects to the simulator', async () => {
    const profile = parseProfile(
      readFileSync('docs/profiles/tradovate-sim.json', 'utf8'),
      'tradovate-sim.json',
    );
    const c = profile.connections[0];
    if (c === undefined) throw new Error('no connection');
    sim = new TradovateSim({ inboundSilenceMs: 30_000 });
    const a = await sim.start();
    const port = (u: string) => u.replace(':7420', `:${a.port}`);
    const spec = buildableKind(c.kind);
    const entry = checkEndpoints(spec, {
      id: c.id,
      label: c.label ?? c.id,
      mode: c.mode ?? spec.defaultMode,
      urls: Object.fromEntries(Object.entries(c.urls ?? {}).map(([k, v]) => [k, port(v)])),
      options: spec.optionsSchema?.parse(c.options ?? {}) ?? {},
    });
    expect(entry.problems).toEqual([]);
    const conn = buildConnection(
      spec,
      entry.entry,
      secrets({ password: TRADOVATE_PASSWORD, sec: TRADOVATE_SEC }),
      {},
    );
    await conn.start(() => undefined);
    try {
      await until(() => conn.health().state === 'live', 'live');
    } finally {
      await conn.stop();
    }
  });
});
