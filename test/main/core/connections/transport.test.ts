/**
 * A live or demo credential never travels in clear text: ws:// is refused for them unless the
 * gateway is on this machine — in the form (see manager.test.ts), in PEREGRINE_CONNECTIONS and
 * when a saved or profile connection is built.
 */
import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, transportProblem } from '../../../../src/main/core/brokers/registry';
import { buildConnection, buildableKind } from '../../../../src/main/core/connections/build';
import { profileFromEnv } from '../../../../src/main/core/profile';

const connectionsFromEnv = (env: Record<string, string>) => profileFromEnv(env)?.connections ?? [];

describe('transportProblem', () => {
  it('refuses ws:// to another host for live and demo, allows wss://, loopback and paper', () => {
    for (const mode of ['live', 'demo'] as const) {
      expect(transportProblem('ws://gw.example.net/ws', mode)).toMatch(
        new RegExp(`^a ${mode} connection must use an encrypted wss:// address`),
      );
      expect(transportProblem('ws://10.0.0.5:8101/ws', mode)).not.toBeNull();
      // "localhost" inside another name is not this machine.
      expect(transportProblem('ws://localhost.example.net/ws', mode)).not.toBeNull();
      expect(transportProblem('ws://127.0.0.1.example.net/ws', mode)).not.toBeNull();
      expect(transportProblem('wss://gw.example.net/ws', mode)).toBeNull();
      for (const local of [
        'ws://127.0.0.1:8101/ws',
        'ws://[::1]:8101/ws',
        'ws://localhost:8101/ws',
        'ws://LOCALHOST/ws',
      ])
        expect(transportProblem(local, mode), local).toBeNull();
    }
    expect(transportProblem('ws://gw.example.net/ws', 'paper')).toBeNull();
    // REST endpoints get the same rule.
    expect(transportProblem('http://gw.example.net/api', 'live')).toMatch(/encrypted https:\/\//);
    expect(transportProblem('https://gw.example.net/api', 'live')).toBeNull();
    expect(isLoopbackUrl('ws://[::1]/')).toBe(true);
  });

  it('stops PEREGRINE_CONNECTIONS at start-up, the mode defaulting to live', () => {
    const env = (entry: Record<string, unknown>) => ({
      PEREGRINE_CONNECTIONS: JSON.stringify([
        { kind: 'portfolio-stream', id: 'gw', sessionCookieEnv: 'C', ...entry },
      ]),
      C: 'c00kie-value',
    });
    expect(() => connectionsFromEnv(env({ url: 'ws://gw.example.net/ws' }))).toThrow(
      /PEREGRINE_CONNECTIONS\[0\]: url: a live connection must use an encrypted wss:\/\//,
    );
    expect(() => connectionsFromEnv(env({ url: 'ws://gw.example.net/ws', mode: 'demo' }))).toThrow(
      /wss:\/\//,
    );
    expect(connectionsFromEnv(env({ url: 'ws://gw.example.net/ws', mode: 'paper' }))).toHaveLength(1);
    expect(connectionsFromEnv(env({ url: 'ws://127.0.0.1:8101/ws' }))).toHaveLength(1);
  });

  it('refuses to build a saved or profile connection that would send its cookie in clear text', () => {
    const spec = buildableKind('portfolio-stream');
    const build: typeof spec.build = (entry, secrets, deps) => buildConnection(spec, entry, secrets, deps);
    const secrets = { get: (name: string) => (name === 'sessionCookie' ? 'c00kie-value' : undefined) };
    const entry = { id: 'gw', label: 'Gateway', urls: {}, options: {} };
    expect(() => build({ ...entry, mode: 'live', url: 'ws://gw.example.net/ws' }, secrets, {})).toThrow(
      /^Gateway URL: a live connection must use an encrypted wss:\/\//,
    );
    expect(() =>
      build({ ...entry, mode: 'live', url: 'wss://gw.example.net/ws' }, secrets, {}),
    ).not.toThrow();
  });
});
