import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kindSpec } from '../../../../src/main/core/brokers/registry';
import { sessionFromProfile } from '../../../../src/main/core/connections';
import { memoryVault } from '../../../../src/main/core/credentials';
import {
  ProfileError,
  loadProfile,
  profileFromEnv,
  profilePathFromArgv,
  resolveSecrets,
  toConnectionSettings,
} from '../../../../src/main/core/profile';
import { ConnectionSettings } from '../../../../src/main/core/settings';

const fixture = join(import.meta.dirname, 'fixtures', 'paper-and-sim.json');
const quietLogger = pino({ level: 'silent' });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-profile-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function profileFile(content: unknown): string {
  const file = join(dir, 'profile.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function thrown(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProfileError) return error;
    throw error;
  }
  throw new Error('expected a ProfileError');
}

describe('a profile with a paper connection and a portfolio-stream simulator connection', () => {
  it('parses and resolves the simulator session secret from the environment', async () => {
    const profile = loadProfile(fixture);
    expect(profile.file).toBe(fixture);
    expect(profile.watchlist).toEqual(['ESZ6', 'BTCUSDT']);
    const secret = 'sess-4b1d2f7e-live-cookie';
    const seen: string[] = [];
    const resolved = await resolveSecrets(
      profile,
      { PEREGRINE_SIM_SESSION: secret, UNRELATED: 'x' },
      memoryVault(quietLogger, 'test'),
      (value) => seen.push(value),
    );
    expect(seen).toEqual([secret]); // handed to the log scrubber
    expect(resolved.map((c) => [c.id, c.kind, c.mode, c.label, c.enabled])).toEqual([
      ['paper', 'paper', 'paper', 'paper', true],
      ['sim-portfolio', 'portfolio-stream', 'paper', 'Portfolio simulator', true],
    ]);
    const [paper, sim] = resolved;
    expect(paper?.options).toEqual({ startingCash: 100000 });
    expect(paper?.secrets.names()).toEqual([]);
    expect(sim?.url).toBe('ws://127.0.0.1:8101/ws/portfolio');
    expect(sim?.secrets.require('session')).toBe(secret);

    // A resolved config logged, serialized or inspected by mistake shows names, not values.
    const lines: string[] = [];
    const logger = pino(
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    logger.info({ connections: resolved }, 'starting connections');
    expect(lines.join('')).toContain('"sessionCookie":"[redacted]"');
    expect(lines.join('')).not.toContain(secret);
    expect(JSON.stringify(resolved)).not.toContain(secret);
    expect(inspect(resolved, { depth: 10 })).not.toContain(secret);
    expect(String(sim?.secrets)).not.toContain(secret);
  });

  it('names the missing variable, never a value', async () => {
    const profile = loadProfile(fixture);
    const error = await resolveSecrets(
      profile,
      { PEREGRINE_SIM_SESSION: '' },
      memoryVault(quietLogger, 'test'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).message).toBe(
      `Profile ${fixture}: connection "sim-portfolio" secret "session": environment variable PEREGRINE_SIM_SESSION is not set`,
    );
  });

  it('converts to connection settings that hold presence only', () => {
    const profile = loadProfile(fixture);
    const sim = profile.connections[1];
    if (sim === undefined) throw new Error('fixture has two connections');
    const settings = ConnectionSettings.parse(toConnectionSettings(sim));
    expect(settings.secrets).toEqual({ session: { stored: true } });
    expect(settings.mode).toBe('paper');
  });
});

describe('keychain-sourced secrets', () => {
  const profile = {
    connections: [
      {
        kind: 'alpaca',
        id: 'alpaca-paper',
        secrets: { keyId: { keychain: true }, secretKey: { keychain: true } },
      },
    ],
  };

  it('come from the vault', async () => {
    const seen: string[] = [];
    const vault = memoryVault(quietLogger, 'test', (value) => seen.push(value));
    // Alpaca declares no endpoints yet: its secrets are bound to no origin and need none.
    await vault.set('alpaca-paper', 'keyId', 'PKID', []);
    await vault.set('alpaca-paper', 'secretKey', 'alpaca-secret-value', []);
    const [alpaca] = await resolveSecrets(loadProfile(profileFile(profile)), {}, vault);
    expect(alpaca?.mode).toBe('demo'); // never defaults to live
    expect(alpaca?.secrets.get('secretKey')).toBe('alpaca-secret-value');
    expect(seen).toEqual(['PKID', 'alpaca-secret-value']);
  });

  it('report every missing one at once, saying the vault is memory-only', async () => {
    const vault = memoryVault(quietLogger, 'No Secret Service is running');
    const error = await resolveSecrets(loadProfile(profileFile(profile)), {}, vault).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).problems).toEqual([
      `connection "alpaca-paper" secret "keyId": not stored in the session's memory vault (No Secret Service is running)`,
      `connection "alpaca-paper" secret "secretKey": not stored in the session's memory vault (No Secret Service is running)`,
    ]);
  });
});

describe('bad profiles get errors naming the file and the bad field', () => {
  it('a wrong field type and an unknown mode', () => {
    const file = profileFile({
      connections: [
        { kind: 'paper', id: 'paper' },
        { kind: 'tradovate', id: 'tv', mode: 'real', url: 'not a url' },
      ],
      watchlist: 'ESZ6',
    });
    const error = thrown(() => loadProfile(file));
    expect(error.file).toBe(file);
    expect(error.message.startsWith(`Profile ${file}:`)).toBe(true);
    expect(error.problems).toEqual([
      expect.stringMatching(/^connections\[1\]\.mode: /),
      expect.stringMatching(/^connections\[1\]\.url: /),
      expect.stringMatching(/^watchlist: /),
    ]);
  });

  it('a secret written into the file is refused without being echoed', () => {
    const file = profileFile({
      connections: [{ kind: 'portfolio-stream', id: 'sim', secrets: { session: 'sess-PASTED-VALUE' } }],
    });
    const error = thrown(() => loadProfile(file));
    expect(error.problems).toEqual([
      'connections[0].secrets.session: must be { "env": "VARIABLE_NAME" } or { "keychain": true } — never the secret itself',
    ]);
    expect(error.message).not.toContain('PASTED');

    const inOptions = profileFile({
      connections: [{ kind: 'binance', id: 'bn', options: { apiSecret: 'PASTED' } }],
    });
    expect(thrown(() => loadProfile(inOptions)).problems[0]).toMatch(
      /^connections\[0\]\.options\.apiSecret: .*credential vault/,
    );
    const unknownKey = profileFile({ connections: [{ kind: 'binance', id: 'bn', password: 'PASTED' }] });
    expect(thrown(() => loadProfile(unknownKey)).problems[0]).toBe(
      'connections[0]: Unrecognized key: "password"',
    );
  });

  it('bad ids, duplicate ids, bad variable names', () => {
    const file = profileFile({
      connections: [
        { kind: 'paper', id: 'a/b' },
        { kind: 'paper', id: 'p' },
        { kind: 'paper', id: 'p', secrets: { token: { env: 'NOT-A-NAME' } } },
      ],
    });
    expect(thrown(() => loadProfile(file)).problems).toEqual([
      expect.stringMatching(/^connections\[0\]\.id: .*no "\/"/),
      'connections[2].secrets.token.env: must be an environment variable name',
      'connections[2].id: duplicate connection id "p"',
    ]);
    const dup = profileFile({
      connections: [
        { kind: 'paper', id: 'p' },
        { kind: 'paper', id: 'p' },
      ],
    });
    expect(thrown(() => loadProfile(dup)).problems).toEqual([
      'connections[1].id: duplicate connection id "p"',
    ]);
  });

  it('not JSON, or not there', () => {
    const file = profileFile('{\n  "connections": [\n    { "kind": "paper", "id": SECRET }\n  ]\n}');
    const error = thrown(() => loadProfile(file));
    expect(error.message).toBe(`Profile ${file}: is not valid JSON`);
    const missing = join(dir, 'nope.json');
    expect(thrown(() => loadProfile(missing)).message).toBe(`Profile ${missing}: cannot be read (ENOENT)`);
  });
});

describe('profilePathFromArgv', () => {
  it('reads --profile FILE and --profile=FILE', () => {
    expect(profilePathFromArgv(['node', 'web.js', '--profile', 'ci.json', '--port', '0'])).toBe('ci.json');
    expect(profilePathFromArgv(['node', 'web.js', '--profile=ci.json'])).toBe('ci.json');
    expect(profilePathFromArgv(['node', 'web.js'])).toBeUndefined();
    expect(() => profilePathFromArgv(['node', 'web.js', '--profile'])).toThrow(/needs a file/);
    expect(() => profilePathFromArgv(['node', 'web.js', '--profile', '--port'])).toThrow(/needs a file/);
  });
});

describe('a connection without a mode', () => {
  it('takes its kind’s declared default in a profile, in PEREGRINE_CONNECTIONS and in the form', async () => {
    const file = profileFile({
      connections: [
        {
          kind: 'portfolio-stream',
          id: 'gw',
          url: 'wss://gw.example.net/ws/portfolio',
          secrets: { sessionCookie: { env: 'GW_COOKIE' } },
        },
      ],
    });
    const declared = kindSpec('portfolio-stream')?.defaultMode;
    expect(declared).toBe('live'); // a gateway may report real money: never shown as paper or demo
    const vault = memoryVault(quietLogger, 'test');
    const [fromProfile] = await resolveSecrets(loadProfile(file), { GW_COOKIE: 'c00kie' }, vault);
    expect(fromProfile?.mode).toBe(declared);
    expect(toConnectionSettings(loadProfile(file).connections[0] ?? thrownMissing()).mode).toBe(declared);
    const [session] = sessionFromProfile(fromProfile === undefined ? [] : [fromProfile], file);
    expect(session?.mode).toBe(declared);

    const envProfile = profileFromEnv({
      PEREGRINE_CONNECTIONS: JSON.stringify([
        { kind: 'portfolio-stream', id: 'env-gw', url: 'wss://gw.example.net/ws', sessionCookieEnv: 'C' },
      ]),
    });
    const fromEnv = sessionFromProfile(
      envProfile === null ? [] : await resolveSecrets(envProfile, { C: 'c00kie' }, vault),
      'PEREGRINE_CONNECTIONS',
    );
    expect(fromEnv[0]?.mode).toBe(declared);
    expect(fromEnv[0]?.source).toBe('environment');
  });
});

function thrownMissing(): never {
  throw new Error('profile has one connection');
}
