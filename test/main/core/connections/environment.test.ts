/**
 * One way to register a kind: `PEREGRINE_CONNECTIONS` entries are profile entries (any secret
 * from any variable), the legacy `sessionCookieEnv` form still works, and kinds with several
 * named endpoints — the `orders-relay` shape of issue 13 — are checked endpoint by endpoint, with
 * their secrets bound to every endpoint's origin.
 */
import { describe, expect, it } from 'vitest';
import {
  checkEndpoints,
  connectionKinds,
  kindInfo,
  kindSpec,
} from '../../../../src/main/core/brokers/registry';
import { sessionFromProfile } from '../../../../src/main/core/connections';
import { memoryVault } from '../../../../src/main/core/credentials';
import { silentLogger } from '../../../../src/main/core/log';
import { parseProfile, profileFromEnv, resolveSecrets } from '../../../../src/main/core/profile';

const RELAY = {
  kind: 'orders-relay',
  id: 'relay',
  mode: 'demo',
  url: 'wss://host.example/ws/orders',
  urls: { positions: 'wss://host.example/ws/positions', rest: 'https://host.example/api' },
  secrets: { token: { keychain: true } },
};

describe('PEREGRINE_CONNECTIONS as profile entries', () => {
  it('keeps the legacy form: sessionCookieEnv, adapter tuning at the top level', async () => {
    const profile = profileFromEnv({
      PEREGRINE_CONNECTIONS: JSON.stringify([
        {
          kind: 'portfolio-stream',
          id: 'ps',
          url: 'ws://127.0.0.1:7401/ws/portfolio',
          sessionCookieEnv: 'PS_COOKIE',
          backoff: { capMs: 15000 },
        },
      ]),
    });
    expect(profile?.connections).toEqual([
      {
        kind: 'portfolio-stream',
        id: 'ps',
        url: 'ws://127.0.0.1:7401/ws/portfolio',
        options: { backoff: { capMs: 15000 } },
        secrets: { sessionCookie: { env: 'PS_COOKIE' } },
      },
    ]);
    const vault = memoryVault(silentLogger(), 'test');
    const resolved = await resolveSecrets(
      profile ?? parseProfile('{"connections":[]}', 'x'),
      { PS_COOKIE: 'c00kie' },
      vault,
    );
    expect(resolved[0]?.secrets.get('sessionCookie')).toBe('c00kie');
    const [session] = sessionFromProfile(resolved, 'PEREGRINE_CONNECTIONS');
    expect(session).toMatchObject({
      source: 'environment',
      sourceDetail: 'PEREGRINE_CONNECTIONS',
      mode: 'live',
    });
  });

  it('takes any secret from any variable, and the profile secret names (aliases) too', async () => {
    const profile = profileFromEnv({
      PEREGRINE_CONNECTIONS: JSON.stringify([
        {
          kind: 'portfolio-stream',
          id: 'ps',
          mode: 'paper',
          url: 'ws://gw.example.net/ws',
          secrets: { session: { env: 'SOME_OTHER_NAME' } },
        },
      ]),
    });
    const vault = memoryVault(silentLogger(), 'test');
    const [c] = await resolveSecrets(
      profile ?? parseProfile('{"connections":[]}', 'x'),
      { SOME_OTHER_NAME: 'v4lue' },
      vault,
    );
    expect(c?.secrets.get('sessionCookie')).toBe('v4lue');
    expect(c?.secrets.names()).toEqual(['sessionCookie']);
  });

  it('stops start-up on bad JSON, an unknown kind, a literal secret or a missing variable', async () => {
    expect(profileFromEnv({})).toBeNull();
    expect(() => profileFromEnv({ PEREGRINE_CONNECTIONS: '[{' })).toThrow(/not valid JSON/);
    expect(() => profileFromEnv({ PEREGRINE_CONNECTIONS: '[{"kind":"nope","id":"x"}]' })).toThrow(
      /PEREGRINE_CONNECTIONS\[0\]: unknown connection kind "nope"/,
    );
    const literal = 'literal-cookie-value';
    const thrown = (() => {
      try {
        profileFromEnv({
          PEREGRINE_CONNECTIONS: JSON.stringify([
            { kind: 'portfolio-stream', id: 'ps', url: 'ws://127.0.0.1:1/ws', sessionCookie: literal },
          ]),
        });
        return null;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    })();
    expect(thrown).toMatch(/PEREGRINE_CONNECTIONS\[0\]: options\.sessionCookie: .*looks like a secret/);
    expect(thrown).not.toContain(literal);
    const missing = profileFromEnv({
      PEREGRINE_CONNECTIONS:
        '[{"kind":"portfolio-stream","id":"ps","url":"ws://127.0.0.1:1/ws","sessionCookieEnv":"MISSING"}]',
    });
    await expect(
      resolveSecrets(
        missing ?? parseProfile('{"connections":[]}', 'x'),
        {},
        memoryVault(silentLogger(), 't'),
      ),
    ).rejects.toThrow(/MISSING/);
  });

  it('refuses a secret longer than 16 kB from the environment', async () => {
    const profile = profileFromEnv({
      PEREGRINE_CONNECTIONS:
        '[{"kind":"portfolio-stream","id":"ps","url":"ws://127.0.0.1:1/ws","sessionCookieEnv":"BIG"}]',
    });
    await expect(
      resolveSecrets(
        profile ?? parseProfile('{"connections":[]}', 'x'),
        { BIG: 'x'.repeat(16_385) },
        memoryVault(silentLogger(), 't'),
      ),
    ).rejects.toThrow(/BIG is longer than 16384 characters/);
  });
});

describe('kinds with named endpoints', () => {
  it('read the orders-relay shape of issue 13 and check every endpoint', () => {
    const profile = parseProfile(JSON.stringify({ connections: [RELAY] }), 'relay.json');
    const c = profile.connections[0];
    const spec = kindSpec('orders-relay');
    if (c === undefined || spec === undefined) throw new Error('orders-relay is registered');
    const entry = {
      id: c.id,
      label: c.id,
      mode: 'demo' as const,
      url: c.url,
      urls: c.urls ?? {},
      options: {},
    };
    expect(checkEndpoints(spec, entry)).toEqual({ entry, problems: [] });

    // Encryption off loopback and the scheme hold for every endpoint, not only `url`.
    const clear = checkEndpoints(spec, {
      ...entry,
      urls: { ...entry.urls, rest: 'http://host.example/api' },
    });
    expect(clear.problems.map((p) => p.message)).toEqual([
      'REST base: a demo connection must use an encrypted https:// address (http:// is only allowed for 127.0.0.1, ::1 or localhost), so its credentials are never sent in clear text',
    ]);
    const wrongScheme = checkEndpoints(spec, {
      ...entry,
      urls: { ...entry.urls, positions: 'https://host.example/p' },
    });
    expect(wrongScheme.problems.map((p) => p.message)).toEqual([
      'Positions socket: must be a ws:// or wss:// address',
    ]);
    const unknown = checkEndpoints(spec, {
      ...entry,
      urls: { ...entry.urls, extra: 'wss://elsewhere.example/' },
    });
    expect(unknown.problems.map((p) => p.message)).toEqual(['Orders relay gateway has no endpoint "extra"']);
    const missing = checkEndpoints(spec, { ...entry, urls: { positions: entry.urls.positions ?? '' } });
    expect(missing.problems.map((p) => p.message)).toEqual(['REST base: is required']);
  });

  it('bind a keychain secret to every endpoint origin: a profile moving one endpoint gets nothing', async () => {
    const vault = memoryVault(silentLogger(), 'test');
    await vault.set('relay', 'token', 'jwt-value', ['https://host.example', 'wss://host.example']);
    const ok = await resolveSecrets(
      parseProfile(JSON.stringify({ connections: [RELAY] }), 'p.json'),
      {},
      vault,
    );
    expect(ok[0]?.problem).toBeUndefined();
    expect(ok[0]?.secrets.get('token')).toBe('jwt-value');

    const moved = { ...RELAY, urls: { ...RELAY.urls, rest: 'https://collector.example/api' } };
    const refused = await resolveSecrets(
      parseProfile(JSON.stringify({ connections: [moved] }), 'p.json'),
      {},
      vault,
    );
    expect(refused[0]?.secrets.get('token')).toBeUndefined();
    expect(refused[0]?.problem).toMatch(/p\.json may not use it: .*not sent to https:\/\/collector\.example/);
  });

  it('generate their form from the spec: endpoints as url fields with presets, secrets, options', () => {
    const info = connectionKinds.map(kindInfo).find((k) => k.kind === 'orders-relay');
    expect(info?.fields.map((f) => [f.name, f.type])).toEqual([
      ['url', 'url'],
      ['positions', 'url'],
      ['rest', 'url'],
      ['token', 'secret'],
    ]);
    const ps = connectionKinds.map(kindInfo).find((k) => k.kind === 'portfolio-stream');
    expect(ps?.fields.map((f) => [f.name, f.type])).toEqual([
      ['url', 'url'],
      ['sessionCookie', 'secret'],
      ['userId', 'text'],
    ]);
  });
});
