/**
 * The renderer's debounced workspace writes (fake clock), and how the saved workspace becomes
 * watchlist rows and a chart listing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, ok, type Result, type Workspace } from '../../../../src/shared/contract';
import type { Instrument } from '../../../../src/shared/domain';
import { WorkspaceSaver, type WorkspacePatch } from '../../../../src/renderer/state/workspaceSaver';
import { fromWorkspace } from '../../../../src/renderer/state/workspaceView';
import { chartListing, shownSymbols, watchRows } from '../../../../src/renderer/watchlist/rows';
import { listingKey } from '../../../../src/renderer/watchlist/listings';

const WS: Workspace = {
  watchlists: [{ name: 'Watchlist', symbols: [] }],
  layout: {},
  charts: [],
  watchlistSource: 'settings',
  persistent: true,
};

/** A host stand-in that records patches and answers when the test says so. */
function host() {
  const sent: WorkspacePatch[] = [];
  const answers: ((r: Result<Workspace> | Error) => void)[] = [];
  const send = (patch: WorkspacePatch) => {
    sent.push(patch);
    return new Promise<Result<Workspace>>((resolve, reject) =>
      answers.push((r) => (r instanceof Error ? reject(r) : resolve(r))),
    );
  };
  const answer = async (r: Result<Workspace> | Error = ok(WS)) => {
    const next = answers.shift();
    if (!next) throw new Error('no write in flight');
    next(r);
    // Let the saver's continuation run.
    await vi.advanceTimersByTimeAsync(0);
  };
  return { sent, send, answer };
}

describe('WorkspaceSaver', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('merges a burst of changes into one write after 500 ms of quiet', async () => {
    const h = host();
    const saver = new WorkspaceSaver({ send: h.send });
    expect(saver.get().kind).toBe('idle');
    saver.change({ chart: { symbol: 'ES', timeframe: '1m' } });
    await vi.advanceTimersByTimeAsync(300);
    saver.change({ chart: { symbol: 'NQ', timeframe: '1m' } });
    saver.change({ layout: { bottomTab: 'Fills' } });
    await vi.advanceTimersByTimeAsync(300);
    saver.change({ chart: { symbol: 'NQ', timeframe: '5m' } });
    expect(saver.get().kind).toBe('pending');
    await vi.advanceTimersByTimeAsync(499);
    expect(h.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.sent).toEqual([{ chart: { symbol: 'NQ', timeframe: '5m' }, layout: { bottomTab: 'Fills' } }]);
    expect(saver.get().kind).toBe('saving');
    await h.answer();
    expect(saver.get().kind).toBe('saved');
  });

  it('sends changes made during a write after it, in order, and only then reports saved', async () => {
    const h = host();
    const saver = new WorkspaceSaver({ send: h.send });
    saver.change({ watchlist: ['ES', 'NQ'] });
    await vi.advanceTimersByTimeAsync(500);
    saver.change({ watchlist: ['ES'] });
    await vi.advanceTimersByTimeAsync(500);
    // One write at a time: the second waits for the first answer.
    expect(h.sent).toHaveLength(1);
    await h.answer();
    expect(h.sent).toEqual([{ watchlist: ['ES', 'NQ'] }, { watchlist: ['ES'] }]);
    expect(saver.get().kind).toBe('saving');
    await h.answer();
    expect(saver.get().kind).toBe('saved');
  });

  it('flush() writes at once (page hiding)', async () => {
    const h = host();
    const saver = new WorkspaceSaver({ send: h.send });
    saver.change({ layout: { bottomTab: 'Orders' } });
    const flushed = saver.flush();
    expect(h.sent).toEqual([{ layout: { bottomTab: 'Orders' } }]);
    await h.answer();
    await flushed;
    expect(saver.get().kind).toBe('saved');
  });

  it('reports a refused write and drops it', async () => {
    const h = host();
    const saver = new WorkspaceSaver({ send: h.send });
    saver.change({ watchlist: ['ES'] });
    await vi.advanceTimersByTimeAsync(500);
    await h.answer(fail('invalid_request', 'Invalid request for term:workspace.update: watchlist[0]: bad'));
    expect(saver.get()).toEqual({
      kind: 'error',
      message: 'Invalid request for term:workspace.update: watchlist[0]: bad',
      retained: false,
    });
    await saver.flush();
    expect(h.sent).toHaveLength(1);
  });

  it('keeps a write that never reached the host and sends it, under newer changes, on flush', async () => {
    const h = host();
    const saver = new WorkspaceSaver({ send: h.send });
    saver.change({ watchlist: ['ES'], layout: { bottomTab: 'Fills' } });
    await vi.advanceTimersByTimeAsync(500);
    await h.answer(new Error('Not connected to the Peregrine host; nothing was sent.'));
    expect(saver.get()).toMatchObject({ kind: 'error', retained: true });
    // No retry loop while the link is down.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.sent).toHaveLength(1);
    saver.change({ layout: { bottomTab: 'Orders' } });
    const flushed = saver.flush();
    expect(h.sent[1]).toEqual({ watchlist: ['ES'], layout: { bottomTab: 'Orders' } });
    await h.answer();
    await flushed;
    expect(saver.get().kind).toBe('saved');
  });
});

const inst = (connectionId: string, symbol: string): Instrument => ({
  symbol,
  name: `${symbol} on ${connectionId}`,
  assetClass: 'future',
  tickSize: 0.25,
  multiplier: 1,
  currency: 'USD',
  qtyStep: 1,
  pricePrecision: 2,
  connectionId,
});

describe('watchlist rows', () => {
  const instruments = [inst('paper', 'ES'), inst('paper', 'NQ'), inst('paper', 'CL'), inst('gw', 'ES')];

  it('shows every listing until symbols are chosen', () => {
    expect(watchRows(null, instruments).map((r) => r.key)).toEqual([
      'paper:ES',
      'paper:NQ',
      'paper:CL',
      'gw:ES',
    ]);
  });

  it('follows the saved order, one row per listing, and keeps a symbol nobody lists', () => {
    const rows = watchRows(['CL', 'ZZZ', 'ES'], instruments);
    expect(rows.map((r) => r.key)).toEqual(['paper:CL', 'missing:ZZZ', 'paper:ES', 'gw:ES']);
    expect(rows[1]?.instrument).toBeUndefined();
    expect(shownSymbols(rows)).toEqual(['CL', 'ZZZ', 'ES']);
  });

  it('restores the saved chart listing, falling back to the symbol elsewhere, then the first row', () => {
    const map = new Map(instruments.map((i) => [listingKey(i), i]));
    const rows = watchRows(['NQ', 'ES'], instruments);
    expect(chartListing({ symbol: 'ES', connectionId: 'gw', timeframe: '5m' }, map, rows)).toBe('gw:ES');
    expect(chartListing({ symbol: 'ES', connectionId: 'gone', timeframe: '5m' }, map, rows)).toBe('paper:ES');
    expect(chartListing({ symbol: 'ZZZ', timeframe: '5m' }, map, rows)).toBe('paper:NQ');
    expect(chartListing({ timeframe: '1m' }, map, watchRows(['ZZZ', 'CL'], instruments))).toBe('paper:CL');
  });

  it('reads the saved workspace, with defaults for what is missing or unknown', () => {
    expect(fromWorkspace(WS)).toEqual({
      watchlist: null,
      watchlistSource: 'settings',
      persistent: true,
      chart: { timeframe: '1m' },
      bottomTab: 'Positions',
      panes: {},
    });
    expect(
      fromWorkspace({
        ...WS,
        watchlists: [{ name: 'W', symbols: ['NQ'] }],
        charts: [{ symbol: 'NQ', timeframe: '5m', connectionId: 'paper' }],
        layout: { bottomTab: 'Orders' },
      }),
    ).toMatchObject({ watchlist: ['NQ'], chart: { symbol: 'NQ', timeframe: '5m' }, bottomTab: 'Orders' });
    expect(fromWorkspace({ ...WS, layout: { bottomTab: 'Gone' } }).bottomTab).toBe('Positions');
    // Splitter positions: whole pixels kept, anything else (text, negative, NaN-like) left to the default.
    expect(
      fromWorkspace({ ...WS, layout: { watchlistWidth: 333.4, ticketWidth: 'wide', bottomHeight: -5 } })
        .panes,
    ).toEqual({ watchlistWidth: 333 });
  });
});
