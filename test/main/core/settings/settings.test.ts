import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Conf from 'conf';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from '../../../../src/shared/alerts';
import {
  SETTINGS_VERSION,
  SettingsValidationError,
  defaultSettings,
  migrateSettings,
  migrations,
  openSettings,
  settingsJsonSchema,
} from '../../../../src/main/core/settings';

function captureLogger(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => lines.join('') };
}

/** A settings file as the first release wrote it: no schemaVersion, `watchlist`, `env`, `chart`. */
const v1File = {
  connections: [
    {
      id: 'paper',
      kind: 'paper',
      label: 'Paper',
      env: 'paper',
      enabled: true,
      options: { startingCash: 100000, fillLatencyMs: 25 },
    },
    {
      id: 'tradovate-live',
      kind: 'tradovate',
      label: 'Tradovate (live)',
      env: 'live',
      enabled: false,
      url: 'wss://live.tradovateapi.com/v1/websocket',
      urls: { md: 'wss://md.tradovateapi.com/v1/websocket' },
      options: { accountSpec: 'LIVE42', cid: 8 },
      secrets: { password: { stored: true } },
    },
    {
      id: 'sim-portfolio',
      kind: 'portfolio-stream',
      label: 'Portfolio simulator',
      env: 'demo',
      url: 'ws://127.0.0.1:8101/ws/portfolio',
    },
  ],
  watchlist: ['ESZ6', 'NQZ6', 'BTCUSDT'],
  layout: { sidebarWidth: 320, panels: { orders: { visible: true }, alerts: { visible: false } } },
  chart: { symbol: 'ESZ6', timeframe: '5m', showVolume: true },
  theme: 'dark',
};

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'peregrine-settings-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const settingsPath = (): string => join(dataDir, 'settings.json');
const writeSettings = (content: string): void => writeFileSync(settingsPath(), content);
const readSettingsFile = (): unknown => JSON.parse(readFileSync(settingsPath(), 'utf8'));

describe('openSettings on a fresh data dir', () => {
  it('writes defaults at the current version and reports no problem', () => {
    const { logger } = captureLogger();
    const handle = openSettings({ dataDir, logger });
    expect(handle.problems).toEqual([]);
    expect(handle.persistent).toBe(true);
    expect(handle.path).toBe(settingsPath());
    expect(handle.settings).toEqual(defaultSettings());
    expect(readSettingsFile()).toEqual(defaultSettings());
  });

  it('persists updates across a reopen and notifies listeners', () => {
    const { logger } = captureLogger();
    const handle = openSettings({ dataDir, logger });
    const seen: string[][] = [];
    const unsubscribe = handle.onChange((s) => seen.push(s.watchlists.flatMap((w) => w.symbols)));
    handle.update((draft) => {
      draft.watchlists[0]?.symbols.push('ESZ6');
      draft.charts.push({ symbol: 'ESZ6', timeframe: '1m' });
      return undefined;
    });
    unsubscribe();
    handle.update((draft) => ({ ...draft, layout: { sidebarWidth: 280 } }));
    expect(seen).toEqual([['ESZ6']]);

    const again = openSettings({ dataDir, logger });
    expect(again.problems).toEqual([]);
    expect(again.settings.watchlists[0]?.symbols).toEqual(['ESZ6']);
    expect(again.settings.charts).toEqual([{ symbol: 'ESZ6', timeframe: '1m' }]);
    expect(again.settings.layout).toEqual({ sidebarWidth: 280 });
  });

  it('rejects an update that would put a secret in the file, and writes nothing', () => {
    const { logger } = captureLogger();
    const handle = openSettings({ dataDir, logger });
    const before = readFileSync(settingsPath(), 'utf8');
    const addConnection = (extra: Record<string, unknown>) => () =>
      handle.update((draft) => ({
        ...draft,
        connections: [
          ...draft.connections,
          {
            id: 'alpaca',
            kind: 'alpaca',
            label: 'Alpaca',
            mode: 'paper',
            enabled: true,
            urls: {},
            options: {},
            secrets: {},
            ...extra,
          },
        ],
      }));
    expect(addConnection({ options: { api_key: 'AKXXXX' } })).toThrow(SettingsValidationError);
    expect(addConnection({ options: { apiKey: 'AKXXXX' } })).toThrow(
      /connections\[1\]\.options\.apiKey: .*credential vault/,
    );
    expect(addConnection({ secrets: { apiSecret: { stored: true, value: 'shh' } } })).toThrow(
      /connections\[1\]\.secrets\.apiSecret/,
    );
    expect(addConnection({ secretKey: 'shh' })).toThrow(/Unrecognized key/);
    expect(addConnection({ mode: 'real-money' })).toThrow(/connections\[1\]\.mode/);
    expect(addConnection({ id: 'paper' })).toThrow(/duplicate connection id "paper"/);
    expect(readFileSync(settingsPath(), 'utf8')).toBe(before);
    expect(handle.get().connections).toHaveLength(1);
  });
});

describe('migrations', () => {
  it('upgrade a v1 file to the current version keeping every user setting', () => {
    writeSettings(JSON.stringify(v1File, null, 2));
    const log = captureLogger();
    const handle = openSettings({ dataDir, logger: log.logger });
    expect(handle.problems).toEqual([]);
    const s = handle.settings;
    expect(s.schemaVersion).toBe(SETTINGS_VERSION);
    expect(s.connections).toEqual([
      {
        id: 'paper',
        kind: 'paper',
        label: 'Paper',
        mode: 'paper',
        enabled: true,
        urls: {},
        options: { startingCash: 100000, fillLatencyMs: 25 },
        secrets: {},
      },
      {
        id: 'tradovate-live',
        kind: 'tradovate',
        label: 'Tradovate (live)',
        mode: 'live',
        enabled: false,
        url: 'wss://live.tradovateapi.com/v1/websocket',
        urls: { md: 'wss://md.tradovateapi.com/v1/websocket' },
        options: { accountSpec: 'LIVE42', cid: 8 },
        secrets: { password: { stored: true } },
      },
      {
        id: 'sim-portfolio',
        kind: 'portfolio-stream',
        label: 'Portfolio simulator',
        mode: 'demo',
        enabled: true,
        url: 'ws://127.0.0.1:8101/ws/portfolio',
        urls: {},
        options: {},
        secrets: {},
      },
    ]);
    expect(s.watchlists).toEqual([{ name: 'Watchlist', symbols: ['ESZ6', 'NQZ6', 'BTCUSDT'] }]);
    expect(s.layout).toEqual(v1File.layout);
    expect(s.charts).toEqual([{ symbol: 'ESZ6', timeframe: '5m', showVolume: true }]);
    expect(s.alertRules).toEqual([]);
    expect(s.theme).toBe('dark');
    expect(s).not.toHaveProperty('watchlist');
    expect(s).not.toHaveProperty('chart');

    // Written back upgraded, with the original kept beside it.
    expect(readSettingsFile()).toEqual(s);
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.v1.backup.json'), 'utf8'))).toEqual(v1File);
    expect(log.text()).toContain('settings upgraded');

    // Opening again migrates nothing and changes nothing.
    const fileAfterFirst = readFileSync(settingsPath(), 'utf8');
    const log2 = captureLogger();
    const again = openSettings({ dataDir, logger: log2.logger });
    expect(again.settings).toEqual(s);
    expect(readFileSync(settingsPath(), 'utf8')).toBe(fileAfterFirst);
    expect(log2.text()).not.toContain('settings upgraded');
  });

  it('are idempotent: the chain, and each step, applied twice equal applied once', () => {
    const once = migrateSettings(v1File);
    expect(once.ok).toBe(true);
    if (!once.ok) return;
    expect(once.applied.map((m) => `${m.from}->${m.to}`)).toEqual(['1->2', '2->3', '3->4']);
    const twice = migrateSettings(once.doc);
    expect(twice).toMatchObject({ ok: true, applied: [] });
    if (twice.ok) expect(twice.doc).toEqual(once.doc);

    let doc: Record<string, unknown> = { ...v1File, schemaVersion: 1 };
    for (const step of migrations) {
      const a = step.up(doc);
      expect(step.up(a)).toEqual(a);
      doc = a;
    }
    expect(doc).toEqual(once.doc);
  });

  it('upgrade a v3 file: alert rules and risk limits arrive as a new section, nothing else moves', () => {
    const v3 = {
      schemaVersion: 3,
      connections: [],
      watchlists: [],
      layout: { a: 1 },
      charts: [],
      alertRules: [],
    };
    const out = migrateSettings(v3);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.applied.map((m) => `${m.from}->${m.to}`)).toEqual(['3->4']);
    expect(out.doc).toEqual({ ...v3, schemaVersion: 4, alerts: defaultAlertsConfig() });
    // A section already there (written by hand or a newer build) is kept as it is.
    const kept = migrateSettings({ ...v3, alerts: { rules: [], sound: false } });
    expect(kept.ok && kept.doc.alerts).toEqual({ rules: [], sound: false });
  });

  it('upgrade a v2 file', () => {
    writeSettings(
      JSON.stringify({
        schemaVersion: 2,
        connections: [{ id: 'paper', kind: 'paper', label: 'Paper', mode: 'paper' }],
        watchlists: [
          { name: 'Futures', symbols: ['ESZ6'] },
          { name: 'Crypto', symbols: ['BTCUSDT'], color: 'orange' },
        ],
        chart: { symbol: 'BTCUSDT', timeframe: '1h' },
      }),
    );
    const handle = openSettings({ dataDir, logger: captureLogger().logger });
    expect(handle.problems).toEqual([]);
    expect(handle.settings.connections[0]?.enabled).toBe(true);
    expect(handle.settings.watchlists).toEqual([
      { name: 'Futures', symbols: ['ESZ6'] },
      { name: 'Crypto', symbols: ['BTCUSDT'], color: 'orange' },
    ]);
    expect(handle.settings.charts).toEqual([{ symbol: 'BTCUSDT', timeframe: '1h' }]);
    expect(existsSync(join(dataDir, 'settings.v2.backup.json'))).toBe(true);
  });
});

describe('a bad settings file is moved aside and reported, never silently reset', () => {
  const at = new Date('2026-03-04T05:06:07.089Z');
  const corruptName = 'settings.corrupt-2026-03-04T05-06-07-089Z.json';

  it('unparseable JSON', () => {
    const content = '{"connections": [ {"id": "x", "label": hunter2-not-json ';
    writeSettings(content);
    const log = captureLogger();
    const handle = openSettings({ dataDir, logger: log.logger, now: () => at });
    expect(handle.problems).toHaveLength(1);
    const [problem] = handle.problems;
    expect(problem?.kind).toBe('corrupt');
    expect(problem?.movedTo).toBe(join(dataDir, corruptName));
    expect(problem?.message).toMatch(
      /^settings\.json is not valid JSON\. It was moved to settings\.corrupt-/,
    );
    // The file's content is never quoted (it could hold anything).
    expect(problem?.message).not.toContain('hunter2');
    expect(log.text()).not.toContain('hunter2');
    expect(log.text()).toContain('moved aside');
    expect(readFileSync(join(dataDir, corruptName), 'utf8')).toBe(content);
    expect(handle.settings).toEqual(defaultSettings());
    expect(readSettingsFile()).toEqual(defaultSettings());
  });

  it('valid JSON that breaks the schema outside the connections, named by path', () => {
    const content = JSON.stringify({
      schemaVersion: 3,
      connections: [{ id: 'p', kind: 'paper', label: 'P', mode: 'paper', enabled: true }],
      watchlists: 'ESZ6',
    });
    writeSettings(content);
    const handle = openSettings({ dataDir, logger: captureLogger().logger, now: () => at });
    expect(handle.problems[0]?.kind).toBe('invalid');
    expect(handle.problems[0]?.message).toContain('watchlists');
    expect(readFileSync(join(dataDir, corruptName), 'utf8')).toBe(content);
  });

  it('an unusable schemaVersion or a non-object', () => {
    writeSettings('{"schemaVersion": "three"}');
    const first = openSettings({ dataDir, logger: captureLogger().logger, now: () => at });
    expect(first.problems[0]?.message).toContain('unusable schemaVersion');
    writeSettings('[1, 2, 3]');
    const second = openSettings({ dataDir, logger: captureLogger().logger, now: () => at });
    expect(second.problems[0]?.message).toContain('does not hold a settings object');
    // Same millisecond, second file: both kept.
    expect(
      readdirSync(dataDir)
        .filter((f) => f.includes('.corrupt-'))
        .sort(),
    ).toEqual(['settings.corrupt-2026-03-04T05-06-07-089Z-2.json', corruptName]);
  });

  it('an unreadable file (a directory where the file should be)', () => {
    mkdirSync(settingsPath());
    writeFileSync(join(settingsPath(), 'inside.txt'), 'kept');
    const handle = openSettings({ dataDir, logger: captureLogger().logger, now: () => at });
    expect(handle.problems[0]?.kind).toBe('unreadable');
    expect(handle.problems[0]?.message).toContain('could not be read (EISDIR)');
    expect(readFileSync(join(dataDir, corruptName, 'inside.txt'), 'utf8')).toBe('kept');
    expect(readSettingsFile()).toEqual(defaultSettings());
  });

  it('a file from a newer version is left untouched and changes are not saved', () => {
    const content = JSON.stringify({
      schemaVersion: SETTINGS_VERSION + 1,
      connections: [],
      somethingNew: true,
    });
    writeSettings(content);
    const handle = openSettings({ dataDir, logger: captureLogger().logger });
    expect(handle.persistent).toBe(false);
    expect(handle.problems[0]?.kind).toBe('newer-version');
    handle.update((draft) => ({ ...draft, layout: { changed: true } }));
    expect(handle.get().layout).toEqual({ changed: true });
    expect(readFileSync(settingsPath(), 'utf8')).toBe(content);
  });
});

describe('store and schema', () => {
  it('accepts a host-made store (electron-store has the same shape) and checks its path', () => {
    const made: string[] = [];
    const handle = openSettings({
      dataDir,
      logger: captureLogger().logger,
      createStore: ({ cwd, name }) => {
        made.push(name);
        return new Conf<Record<string, unknown>>({ cwd, configName: name });
      },
    });
    expect(made).toEqual(['settings']);
    expect(readSettingsFile()).toEqual(handle.settings);
    expect(() =>
      openSettings({
        dataDir,
        logger: captureLogger().logger,
        createStore: ({ cwd }) => new Conf<Record<string, unknown>>({ cwd, configName: 'elsewhere' }),
      }),
    ).toThrow(/expected .*settings\.json/);
  });

  it('exports a JSON schema of the file', () => {
    const schema = settingsJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema).toMatchObject({ properties: { schemaVersion: { const: SETTINGS_VERSION } } });
    expect(JSON.stringify(schema)).toContain('"stored"');
  });
});

describe('one odd connection never costs the other settings', () => {
  const at = new Date('2026-03-04T05:06:07.089Z');
  const rejectedName = 'settings.rejected-2026-03-04T05-06-07-089Z.json';
  const COOKIE = 'plain-text-cookie-Zq81';
  const API_KEY = 'AK-plain-text-key-7741';

  /** A v1 file: one good connection, one odd but usable one, one unusable one, user settings. */
  const v1WithOddConnections = {
    connections: [
      { id: 'paper', kind: 'paper', label: 'Paper', env: 'paper', enabled: true },
      {
        id: 'gw',
        kind: 'portfolio-stream',
        label: 'Home gateway',
        env: 'live',
        url: 'wss://gw.example.net/ws/portfolio',
        // Older builds wrote adapter tuning at the top level, and once let secrets in.
        heartbeatMs: 15000,
        sessionCookie: COOKIE,
        options: { apiKey: API_KEY, userId: 'u-1' },
        secrets: { sessionCookie: { stored: true } },
      },
      {
        id: 'casino',
        kind: 'portfolio-stream',
        label: 'Unknown environment',
        env: 'real-money',
        url: 'wss://other.example.net/ws',
        token: COOKIE,
      },
    ],
    watchlist: ['ESZ6', 'NQZ6'],
    layout: { sidebarWidth: 300 },
    chart: { symbol: 'NQZ6', timeframe: '15m' },
    theme: 'dark',
  };

  it('keeps every other setting, moves unknown keys under options, drops secrets and sets aside the unusable one', () => {
    writeSettings(JSON.stringify(v1WithOddConnections, null, 2));
    const log = captureLogger();
    const handle = openSettings({ dataDir, logger: log.logger, now: () => at });
    const s = handle.settings;
    expect(handle.persistent).toBe(true);

    // Every user setting survived the odd connections.
    expect(s.watchlists).toEqual([{ name: 'Watchlist', symbols: ['ESZ6', 'NQZ6'] }]);
    expect(s.layout).toEqual({ sidebarWidth: 300 });
    expect(s.charts).toEqual([{ symbol: 'NQZ6', timeframe: '15m' }]);
    expect(s.theme).toBe('dark');
    expect(readdirSync(dataDir).filter((f) => f.includes('.corrupt-'))).toEqual([]);

    // The good one as it was; the odd one repaired: tuning under options, secrets gone.
    expect(s.connections.map((c) => c.id)).toEqual(['paper', 'gw']);
    expect(s.connections[1]).toEqual({
      id: 'gw',
      kind: 'portfolio-stream',
      label: 'Home gateway',
      mode: 'live',
      enabled: true,
      url: 'wss://gw.example.net/ws/portfolio',
      urls: {},
      options: { heartbeatMs: 15000, userId: 'u-1' },
      secrets: { sessionCookie: { stored: true } },
    });

    // Reported: the dropped secrets by connection and name (never value), the set-aside one.
    expect(handle.problems.map((p) => p.kind)).toEqual([
      'secret-removed',
      'secret-removed',
      'connection-set-aside',
    ]);
    const [gwSecrets, , setAside] = handle.problems;
    expect(gwSecrets?.message).toContain('Connection "Home gateway" had "sessionCookie", "apiKey"');
    expect(gwSecrets?.message).toContain('enter the secret again');
    expect(setAside?.movedTo).toBe(join(dataDir, rejectedName));
    expect(setAside?.message).toContain('Connection "casino"');
    expect(setAside?.message).toContain('connections[2].mode');
    expect(setAside?.message).toContain('every other setting was kept');

    // The unusable connection is kept next to the file, without its secret.
    const rejected = JSON.parse(readFileSync(join(dataDir, rejectedName), 'utf8')) as {
      connections: { entry: Record<string, unknown>; issues: string[] }[];
    };
    expect(rejected.connections).toHaveLength(1);
    expect(rejected.connections[0]?.entry).toMatchObject({ id: 'casino', mode: 'real-money' });

    // No secret value anywhere on disk: settings, upgrade backup, rejected file, log.
    for (const file of readdirSync(dataDir)) {
      const text = readFileSync(join(dataDir, file), 'utf8');
      expect(text, file).not.toContain(COOKIE);
      expect(text, file).not.toContain(API_KEY);
    }
    expect(log.text()).not.toContain(COOKIE);
    expect(existsSync(join(dataDir, 'settings.v1.backup.json'))).toBe(true);
    expect(readSettingsFile()).toEqual(s);

    // Reopening finds nothing more to repair.
    const again = openSettings({ dataDir, logger: captureLogger().logger, now: () => at });
    expect(again.problems).toEqual([]);
    expect(again.settings).toEqual(s);
  });

  it('repairs a current-version file the same way, without the whole file moving aside', () => {
    writeSettings(
      JSON.stringify({
        schemaVersion: SETTINGS_VERSION,
        connections: [
          { id: 'paper', kind: 'paper', label: 'Paper', mode: 'paper', enabled: true },
          { id: 'p', kind: 'paper', label: 'P', mode: 'real', enabled: true },
        ],
        watchlists: [{ name: 'Mine', symbols: ['ESZ6'] }],
      }),
    );
    const handle = openSettings({ dataDir, logger: captureLogger().logger, now: () => at });
    expect(handle.problems.map((p) => p.kind)).toEqual(['connection-set-aside']);
    expect(handle.settings.connections.map((c) => c.id)).toEqual(['paper']);
    expect(handle.settings.watchlists).toEqual([{ name: 'Mine', symbols: ['ESZ6'] }]);
    expect(existsSync(join(dataDir, rejectedName))).toBe(true);
  });
});
