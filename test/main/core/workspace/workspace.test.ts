/**
 * workspace.get / workspace.update through the hosts' real entry (`openConnections` → the
 * ConnectionManager's dispatch), against a real settings file in a temp dir and the memory vault.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result, Workspace } from '../../../../src/shared/contract';
import { openConnections } from '../../../../src/main/core/connections';
import { memoryVault } from '../../../../src/main/core/credentials';
import { Engine } from '../../../../src/main/core/engine';
import { silentLogger } from '../../../../src/main/core/log';

let dir: string;
const engines: Engine[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-workspace-'));
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** One host session on `dir`: what start-up does, minus the network. */
async function session(profileFile?: string) {
  const logger = silentLogger();
  const vault = memoryVault(logger, 'tests keep secrets in memory');
  const opened = await openConnections({
    dataDir: dir,
    logger,
    vault,
    env: {},
    ...(profileFile === undefined ? {} : { profileFile }),
  });
  const engine = Engine.create({ logger, paper: true, seed: 7 });
  engines.push(engine);
  const manager = opened.manager(engine);
  return {
    get: async () => expectOk((await manager.dispatch('term:workspace.get', {})) as Result<Workspace>),
    update: async (patch: unknown) =>
      (await manager.dispatch('term:workspace.update', patch)) as Result<Workspace>,
  };
}

function expectOk(result: Result<Workspace>): Workspace {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function fileOnDisk(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
}

describe('workspace', () => {
  it('starts empty on a fresh data dir: the watchlist is "not chosen", no chart, no layout', async () => {
    const ws = await (await session()).get();
    expect(ws.watchlists).toEqual([{ name: 'Watchlist', symbols: [] }]);
    expect(ws.charts).toEqual([]);
    expect(ws.layout).toEqual({});
    expect(ws.watchlistSource).toBe('settings');
    expect(ws.persistent).toBe(true);
  });

  it('round-trips watchlist, main chart and bottom tab through the settings file', async () => {
    const first = await session();
    expectOk(await first.update({ watchlist: ['NQ', 'ES', 'BTCUSD'] }));
    expectOk(await first.update({ chart: { symbol: 'NQ', timeframe: '5m', connectionId: 'paper' } }));
    const after = expectOk(await first.update({ layout: { bottomTab: 'Fills' } }));
    // Each update keeps what the others wrote.
    expect(after.watchlists[0]?.symbols).toEqual(['NQ', 'ES', 'BTCUSD']);
    expect(after.charts).toEqual([{ symbol: 'NQ', timeframe: '5m', connectionId: 'paper' }]);

    const disk = fileOnDisk();
    expect(disk.watchlists).toEqual([{ name: 'Watchlist', symbols: ['NQ', 'ES', 'BTCUSD'] }]);
    expect(disk.charts).toEqual([{ symbol: 'NQ', timeframe: '5m', connectionId: 'paper' }]);
    expect(disk.layout).toEqual({ bottomTab: 'Fills' });
    // Connections are untouched by workspace writes.
    expect((disk.connections as { id: string }[]).map((c) => c.id)).toEqual(['paper']);

    // A restart: a new session on the same directory reads the same workspace.
    const restarted = await (await session()).get();
    expect(restarted.watchlists[0]?.symbols).toEqual(['NQ', 'ES', 'BTCUSD']);
    expect(restarted.charts[0]).toEqual({ symbol: 'NQ', timeframe: '5m', connectionId: 'paper' });
    expect(restarted.layout).toEqual({ bottomTab: 'Fills' });
  });

  it('keeps the splitter positions across a restart, one pane at a time', async () => {
    const first = await session();
    expectOk(await first.update({ layout: { watchlistWidth: 340, bottomHeight: 260 } }));
    expectOk(await first.update({ layout: { ticketWidth: 300 } }));
    expect(fileOnDisk().layout).toEqual({ watchlistWidth: 340, bottomHeight: 260, ticketWidth: 300 });
    const restarted = await (await session()).get();
    expect(restarted.layout).toEqual({ watchlistWidth: 340, bottomHeight: 260, ticketWidth: 300 });
    // Whole pixels only.
    const bad = await first.update({ layout: { watchlistWidth: 'wide' } } as never);
    expect(bad.ok).toBe(false);
    const fractional = await first.update({ layout: { ticketWidth: 300.5 } });
    expect(!fractional.ok && fractional.error.message).toMatch(/layout\.ticketWidth/);
  });

  it('keeps layout keys and chart panes it does not write', async () => {
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        schemaVersion: 3,
        connections: [],
        watchlists: [
          { name: 'Futures', symbols: ['ES'], colour: 'blue' },
          { name: 'Crypto', symbols: ['BTCUSD'] },
        ],
        layout: { splitter: 0.3 },
        charts: [
          { symbol: 'ES', timeframe: '1m', connectionId: 'gw', indicator: 'vwap' },
          { symbol: 'NQ', timeframe: '1h' },
        ],
        alertRules: [],
      }),
    );
    const s = await session();
    expectOk(await s.update({ watchlist: ['ES', 'NQ'], chart: { symbol: 'CL', timeframe: '15m' } }));
    expectOk(await s.update({ layout: { bottomTab: 'Orders' } }));
    const disk = fileOnDisk();
    expect(disk.watchlists).toEqual([
      { name: 'Futures', symbols: ['ES', 'NQ'], colour: 'blue' },
      { name: 'Crypto', symbols: ['BTCUSD'] },
    ]);
    // The old connection id belonged to the old symbol; the pane's other keys stay.
    expect(disk.charts).toEqual([
      { symbol: 'CL', timeframe: '15m', indicator: 'vwap' },
      { symbol: 'NQ', timeframe: '1h' },
    ]);
    expect(disk.layout).toEqual({ splitter: 0.3, bottomTab: 'Orders' });
  });

  it('keeps the trading hotkeys in the layout across a restart, and refuses a malformed one', async () => {
    const s = await session();
    const hotkeys = { bindings: { buyMarket: 'Alt+B', cancelAll: 'Ctrl+Alt+C' }, liveEnabled: false };
    expectOk(await s.update({ layout: { hotkeys } }));
    expectOk(await s.update({ layout: { bottomTab: 'DOM' } }));
    expect((await (await session()).get()).layout).toEqual({ hotkeys, bottomTab: 'DOM' });
    const bad = await s.update({
      layout: { hotkeys: { bindings: { buyMarket: 'Alt+B; rm' }, liveEnabled: true } },
    });
    expect(!bad.ok && bad.error.message).toMatch(/layout\.hotkeys\.bindings\.buyMarket/);
    const unknown = await s.update({
      layout: { hotkeys: { bindings: { sendAll: 'Alt+Z' }, liveEnabled: true } },
    });
    expect(unknown.ok).toBe(false);
    expect((await s.get()).layout).toEqual({ hotkeys, bottomTab: 'DOM' });
  });

  it('rejects an invalid update with a readable reason and writes nothing', async () => {
    const s = await session();
    expectOk(await s.update({ watchlist: ['ES'] }));
    const before = readFileSync(join(dir, 'settings.json'), 'utf8');

    const cases: [unknown, RegExp][] = [
      [{ chart: { symbol: 'ES', timeframe: '7m' } }, /chart\.timeframe/],
      [{ watchlist: ['ES', 'ES'] }, /each symbol once/],
      [{ watchlist: ['ES', ''] }, /watchlist\[1\]: a symbol cannot be empty/],
      [{ watchlist: [' ES'] }, /stray spaces/],
      [{ layout: { bottomTab: 'Secrets' } }, /layout\.bottomTab/],
      // Nothing but the declared fields: a secret cannot ride along.
      [{ layout: { bottomTab: 'Orders', apiKey: 'k-123' } }, /Unrecognized key.*apiKey/],
      [{ apiKey: 'k-123', watchlist: ['ES'] }, /Unrecognized key.*apiKey/],
      [{}, /at least one of watchlist, chart or layout/],
    ];
    for (const [patch, reason] of cases) {
      const result = await s.update(patch);
      expect(result.ok, JSON.stringify(patch)).toBe(false);
      if (result.ok) continue;
      expect(result.error.code).toBe('invalid_request');
      expect(result.error.message).toMatch(/^Invalid request for term:workspace\.update: /);
      expect(result.error.message).toMatch(reason);
      expect(result.error.message).not.toContain('k-123');
    }
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe(before);
    expect((await s.get()).watchlists[0]?.symbols).toEqual(['ES']);
  });

  it('uses a profile watchlist for the session without writing it, and saves the rest', async () => {
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        connections: [{ kind: 'paper', id: 'paper', mode: 'paper' }],
        watchlist: ['NQ', 'CL'],
      }),
    );
    const first = await session();
    expectOk(await first.update({ watchlist: ['ES'] }));

    const s = await session(profile);
    const ws = await s.get();
    expect(ws.watchlistSource).toBe('profile');
    expect(ws.watchlists[0]?.symbols).toEqual(['NQ', 'CL']);

    // Edits to the profile's list last for the session only; other choices are saved.
    const edited = expectOk(await s.update({ watchlist: ['CL'], chart: { symbol: 'CL', timeframe: '1h' } }));
    expect(edited.watchlists[0]?.symbols).toEqual(['CL']);
    expect(edited.charts[0]).toEqual({ symbol: 'CL', timeframe: '1h' });
    const disk = fileOnDisk();
    expect(disk.watchlists).toEqual([{ name: 'Watchlist', symbols: ['ES'] }]);
    expect(disk.charts).toEqual([{ symbol: 'CL', timeframe: '1h' }]);

    // Without the profile, the saved list is back.
    const plain = await (await session()).get();
    expect(plain.watchlistSource).toBe('settings');
    expect(plain.watchlists[0]?.symbols).toEqual(['ES']);
  });
});
