/**
 * The trade journal against a real ledger and a real data directory: fills are written before they
 * are shown, read back after a restart, never doubled by a replay, and a corrupt line is moved
 * aside and reported. The CSV exports follow RFC 4180.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../../src/main/core/journal/csv';
import { FILLS_FILE, FillsFile, TradeJournal } from '../../../../src/main/core/journal';
import { CORRUPT_FILE } from '../../../../src/main/core/journal/record';
import { Ledger } from '../../../../src/main/core/ledger';
import type { Result } from '../../../../src/shared/contract';
import type { Fill, Instrument } from '../../../../src/shared/domain';
import type { JournalExport } from '../../../../src/shared/journal';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'peregrine-journal-'));
  dirs.push(d);
  return d;
}

const ES: Instrument = {
  symbol: 'ES',
  name: 'E-mini',
  assetClass: 'future',
  tickSize: 0.25,
  multiplier: 50,
  currency: 'USD',
  qtyStep: 1,
  pricePrecision: 2,
  connectionId: 'tv',
};

function fill(id: string, side: Fill['side'], price: number, ts: number): Fill {
  return {
    id,
    orderId: `o-${id}`,
    connectionId: 'tv',
    accountId: 'DEMO1',
    symbol: 'ES',
    side,
    qty: 1,
    price,
    commission: 1.29,
    ts,
  };
}

function exported(r: Result<JournalExport>): JournalExport {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A fresh ledger (a restart) with a journal over `dir`'s fills file. */
function boot(dir: string) {
  const ledger = new Ledger();
  ledger.registerConnection('tv', 'demo');
  ledger.apply('tv', { type: 'instrument', instrument: ES });
  const path = join(dir, 'journal', FILLS_FILE);
  const journal = new TradeJournal({ ledger, file: new FillsFile(path), now: () => 5 });
  return { ledger, journal, path };
}

describe('TradeJournal', () => {
  it('writes each fill (owner-only) before it is paired, and reads the trips back after a restart', () => {
    const dir = dataDir();
    const first = boot(dir);
    first.ledger.apply('tv', { type: 'fill', fill: fill('e1', 'buy', 5000, 1_000) });
    expect(readFileSync(first.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    first.ledger.apply('tv', { type: 'fill', fill: fill('e2', 'sell', 5001.25, 31_000) });
    const before = first.journal.view();
    expect(before.trips).toHaveLength(1);
    expect(before.trips[0]).toMatchObject({ pnl: 62.5, pnlTicks: 5, fees: 2.58, netPnl: 59.92, open: false });
    expect(before.totals).toEqual([
      { currency: 'USD', trips: 1, wins: 1, losses: 0, pnl: 62.5, fees: 2.58, netPnl: 59.92 },
    ]);
    first.journal.dispose();

    const again = boot(dir);
    expect(again.journal.view()).toEqual(before);
    // The broker replays today's executions after the restart: nothing doubles.
    again.ledger.apply('tv', { type: 'fill', fill: fill('e1', 'buy', 5000, 1_000) });
    again.ledger.apply('tv', { type: 'fill', fill: fill('e2', 'sell', 5001.25, 31_000) });
    expect(again.journal.view()).toEqual(before);
    expect(readFileSync(again.path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('leaves out fills the ledger synthesized while reconciling', () => {
    const { ledger, journal } = boot(dataDir());
    journal.record({ ...fill('s1', 'buy', 5000, 1), synthetic: true });
    ledger.apply('tv', { type: 'fill', fill: fill('r1', 'buy', 5000, 1) });
    expect(journal.view().trips.map((t) => t.fillIds)).toEqual([['r1']]);
  });

  it('moves a corrupt line aside, reports it, and keeps the good ones', () => {
    const dir = dataDir();
    const first = boot(dir);
    first.ledger.apply('tv', { type: 'fill', fill: fill('e1', 'buy', 5000, 1_000) });
    first.journal.dispose();
    appendFileSync(first.path, '{"v":1,"fill":{"id":"torn"\n');
    const again = boot(dir);
    const view = again.journal.view();
    expect(view.trips).toHaveLength(1);
    expect(view.problems).toHaveLength(1);
    expect(view.problems[0]).toMatch(
      /1 unreadable line of the trade journal was moved to .*fills\.corrupt\.jsonl/,
    );
    const aside = join(dir, 'journal', CORRUPT_FILE);
    expect(readFileSync(aside, 'utf8')).toBe('{"v":1,"fill":{"id":"torn"\n');
    expect(readFileSync(again.path, 'utf8')).not.toContain('torn');
    // Reported once: the next start finds a clean file.
    again.journal.dispose();
    expect(boot(dir).journal.view().problems).toEqual([]);
  });

  it('filters by day: a closed trip by its exit, an open one from the day it opened', () => {
    const { ledger, journal } = boot(dataDir());
    const day = 86_400_000;
    ledger.apply('tv', { type: 'fill', fill: fill('a', 'buy', 5000, day + 10) });
    ledger.apply('tv', { type: 'fill', fill: fill('b', 'sell', 5001, day + 20) });
    ledger.apply('tv', { type: 'fill', fill: fill('c', 'sell', 5002, 2 * day + 10) });
    expect(journal.view({ from: day, to: 2 * day }).trips.map((t) => t.open)).toEqual([false]);
    expect(journal.view({ from: day, to: 2 * day }).fills).toBe(2);
    expect(journal.view({ from: 2 * day, to: 3 * day }).trips.map((t) => t.direction)).toEqual(['short']);
    expect(journal.view({ from: 3 * day, to: 4 * day }).trips).toHaveLength(1);
    expect(journal.view({ from: 0, to: day }).trips).toEqual([]);
  });

  it('exports trips and fills as CSV with a header, unformatted numbers and ISO times', () => {
    const { ledger, journal } = boot(dataDir());
    ledger.apply('tv', { type: 'fill', fill: fill('e1', 'buy', 5000, Date.UTC(2026, 11, 1, 14, 30)) });
    ledger.apply('tv', { type: 'fill', fill: fill('e2', 'sell', 5012.5, Date.UTC(2026, 11, 1, 14, 31)) });
    const fills = exported(
      journal.exportCsv('fills', {
        from: Date.UTC(2026, 11, 1),
        to: Date.UTC(2026, 11, 2),
      }),
    );
    expect(fills.filename).toBe('peregrine-fills-2026-12-01.csv');
    expect(fills.rows).toBe(2);
    expect(fills.csv).toBe(
      'time,fill_id,order_id,connection,account,symbol,side,qty,price,commission,currency\r\n' +
        '2026-12-01T14:30:00.000Z,e1,o-e1,tv,DEMO1,ES,buy,1,5000,1.29,USD\r\n' +
        '2026-12-01T14:31:00.000Z,e2,o-e2,tv,DEMO1,ES,sell,1,5012.5,1.29,USD\r\n',
    );
    const trades = exported(journal.exportCsv('trades'));
    expect(trades.filename).toBe('peregrine-trades.csv');
    const [header, row] = trades.csv.split('\r\n');
    expect(header?.split(',')).toContain('pnl_ticks');
    expect(row).toBe(
      'tv:DEMO1:ES:e1,tv,DEMO1,ES,long,closed,1,1,2026-12-01T14:30:00.000Z,5000,2026-12-01T14:31:00.000Z,5012.5,60,625,50,2.58,622.42,USD,e1 e2,',
    );
  });

  it('keeps the journal in memory without a data directory', () => {
    const ledger = new Ledger();
    const journal = new TradeJournal({ ledger, file: new FillsFile(null) });
    ledger.apply('tv', { type: 'fill', fill: fill('m1', 'buy', 1, 1) });
    expect(journal.view().trips).toHaveLength(1);
  });

  it('reports a journal it cannot write, and still shows the trip', () => {
    const dir = dataDir();
    const { ledger, journal, path } = boot(dir);
    rmSync(join(dir, 'journal'), { recursive: true });
    writeFileSync(join(dir, 'journal'), 'not a directory');
    ledger.apply('tv', { type: 'fill', fill: fill('w1', 'buy', 5000, 1) });
    expect(existsSync(path)).toBe(false);
    expect(journal.view().trips).toHaveLength(1);
    expect(journal.view().problems[0]).toMatch(/could not be written/);
  });
});

describe('TradeJournal: what the journal did not see', () => {
  it('starts from the position the broker held before the first fill, and keeps it across a restart', () => {
    const dir = dataDir();
    const first = boot(dir);
    const held = { accountId: 'DEMO1', symbol: 'ES', qty: 1, avgPrice: 4990, mark: null, markedAt: null };
    first.ledger.apply('tv', { type: 'position', position: held });
    first.ledger.apply('tv', { type: 'fill', fill: fill('x1', 'sell', 5000, 1_000) });
    first.ledger.apply('tv', { type: 'position', position: { ...held, qty: 0 } });
    first.ledger.apply('tv', { type: 'fill', fill: fill('x2', 'buy', 5001, 2_000) });
    first.ledger.apply('tv', { type: 'fill', fill: fill('x3', 'sell', 5002, 3_000) });
    const view = first.journal.view();
    expect(view.trips.map((t) => [t.direction, t.pnl, t.openedBeforeJournal === true, t.open])).toEqual([
      ['long', 50, false, false],
      ['long', 500, true, false],
    ]);
    // Only executions are counted and exported.
    expect(view.fills).toBe(3);
    expect(exported(first.journal.exportCsv('fills')).rows).toBe(3);
    expect(exported(first.journal.exportCsv('trades')).csv).toContain("broker's average");
    first.journal.dispose();
    expect(boot(dir).journal.view().trips).toEqual(view.trips);
  });

  it('on a spot account, leaves a sell of a balance from before the journal unmatched and says so', () => {
    const { ledger, journal } = boot(dataDir());
    ledger.apply('tv', {
      type: 'account',
      account: { accountId: 'DEMO1', name: 'Spot', currency: 'USD', cash: 0, spot: true },
    });
    // A deposited unit whose cost the trade history does not explain, reported before the trade.
    ledger.apply('tv', {
      type: 'position',
      position: {
        accountId: 'DEMO1',
        symbol: 'ES',
        qty: 1,
        avgPrice: 4000,
        mark: null,
        markedAt: null,
        costPartial: true,
      },
    });
    ledger.apply('tv', { type: 'fill', fill: fill('s1', 'sell', 5000, 1) });
    ledger.apply('tv', { type: 'fill', fill: fill('s2', 'buy', 4990, 2) });
    ledger.apply('tv', { type: 'fill', fill: fill('s3', 'sell', 4995, 3) });
    const view = journal.view();
    expect(view.trips.map((t) => [t.direction, t.pnl, t.open])).toEqual([['long', 250, false]]);
    expect(view.problems).toEqual([expect.stringMatching(/1 ES sold on spot account DEMO1 .* left out/)]);
  });

  it('does not double a position that the replayed fills themselves explain', () => {
    const { ledger, journal } = boot(dataDir());
    // After a reconnect: the broker reports the position, then replays the buy that made it.
    const held = { accountId: 'DEMO1', symbol: 'ES', qty: 1, avgPrice: 5000, mark: null, markedAt: null };
    ledger.apply('tv', { type: 'position', position: held });
    ledger.apply('tv', { type: 'fill', fill: fill('r1', 'buy', 5000, 1) });
    ledger.apply('tv', { type: 'fill', fill: fill('r2', 'sell', 5001, 2) });
    expect(journal.view().trips.map((t) => [t.qty, t.pnl, t.openedBeforeJournal === true])).toEqual([
      [1, 50, false],
    ]);
  });

  it('never stores a made-up instrument: a fill booked before its instrument reads right once it is known', () => {
    const dir = dataDir();
    const ledger = new Ledger();
    ledger.registerConnection('tv', 'demo');
    const path = join(dir, 'journal', FILLS_FILE);
    const journal = new TradeJournal({ ledger, file: new FillsFile(path) });
    ledger.apply('tv', { type: 'fill', fill: fill('u1', 'buy', 5000, 1) });
    ledger.apply('tv', { type: 'fill', fill: fill('u2', 'sell', 5001, 2) });
    const line = JSON.parse(readFileSync(path, 'utf8').split('\n')[0] ?? '') as Record<string, unknown>;
    expect(line).not.toHaveProperty('multiplier');
    expect(line).not.toHaveProperty('tickSize');
    expect(journal.view().trips[0]).toMatchObject({ pnl: 1, pnlTicks: null, instrumentUnknown: true });
    ledger.apply('tv', { type: 'instrument', instrument: ES });
    expect(journal.view().trips[0]).toMatchObject({ pnl: 50, pnlTicks: 4, assetClass: 'future' });
    expect(journal.view().trips[0]?.instrumentUnknown).toBeUndefined();
  });

  it('re-pairs only the account and symbol a new fill arrived on', () => {
    const { ledger, journal } = boot(dataDir());
    ledger.apply('tv', { type: 'fill', fill: fill('a1', 'buy', 5000, 1) });
    ledger.apply('tv', { type: 'fill', fill: fill('a2', 'sell', 5001, 2) });
    const es = journal.view().trips[0];
    ledger.apply('tv', { type: 'fill', fill: { ...fill('b1', 'buy', 10, 3), symbol: 'NQ' } });
    const after = journal.view().trips;
    expect(after).toHaveLength(2);
    expect(after.find((t) => t.symbol === 'ES')).toBe(es);
  });

  it('refuses an export of all days past its row cap, asking for a day', () => {
    const ledger = new Ledger();
    const journal = new TradeJournal({ ledger, file: new FillsFile(null), maxExportRows: 1 });
    ledger.apply('tv', { type: 'fill', fill: fill('c1', 'buy', 1, 1) });
    ledger.apply('tv', { type: 'fill', fill: fill('c2', 'sell', 2, 2) });
    const r = journal.exportCsv('fills');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toBe('2 fills are more than one export holds (1): export one day at a time.');
    expect(exported(journal.exportCsv('trades')).rows).toBe(1);
  });
});

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes or line breaks and doubles the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(1234567.5)).toBe('1234567.5');
    expect(csvField(0.0000001)).toBe('0.0000001');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('defuses text cells a spreadsheet would run as a formula, and leaves numbers as numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvField('ES')).toBe('ES');
    expect(csvField(-12.5)).toBe('-12.5');
    expect(toCsv(['account', 'pnl'], [['=cmd|calc', -3]])).toBe("account,pnl\r\n'=cmd|calc,-3\r\n");
  });
});
