import { describe, expect, it } from 'vitest';
import { validateProtection, type ProtectionInput } from '../../src/renderer/ticket/protection';
import { ES } from '../main/core/fixtures';

const account = { connectionId: 'c1', accountId: 'A' };
const base: ProtectionInput = {
  mode: 'bracket',
  side: 'buy',
  qty: '2',
  tif: 'gtc',
  entryType: 'limit',
  limitPrice: '5000',
  target: '8',
  targetUnit: 'ticks',
  stop: '8',
  stopUnit: 'ticks',
  trailBy: 'ticks',
  trailOffset: '4',
  activation: '',
};

describe('ticket protection checks', () => {
  it('a bracket with exits in ticks from a limit entry', () => {
    const r = validateProtection(base, ES, account, 5001);
    expect(r.ok && r.request).toMatchObject({
      kind: 'bracket',
      side: 'buy',
      qty: 2,
      entry: { type: 'limit', limitPrice: 5000 },
      target: { ticks: 8 },
      stop: { ticks: 8 },
    });
  });

  it('bracket prices on the wrong side of the entry, off the grid, or fractional ticks', () => {
    const wrong = validateProtection(
      { ...base, targetUnit: 'price', target: '4999', stopUnit: 'price', stop: '5000.1' },
      ES,
      account,
      5001,
    );
    expect(!wrong.ok && wrong.errors.target).toMatch(/above the entry/);
    expect(!wrong.ok && wrong.errors.stop).toMatch(/tick size/);
    const frac = validateProtection({ ...base, target: '2.5' }, ES, account, 5001);
    expect(!frac.ok && frac.errors.target).toMatch(/whole number of ticks/);
  });

  it('an OCO exit pair: a sell target above the market and a sell stop below it', () => {
    const ok = validateProtection(
      { ...base, mode: 'oco', side: 'sell', target: '5010', stop: '4990' },
      ES,
      account,
      5000,
    );
    expect(ok.ok && ok.request).toMatchObject({
      kind: 'oco',
      legs: [
        { type: 'limit', limitPrice: 5010 },
        { type: 'stop', stopPrice: 4990 },
      ],
    });
    const bad = validateProtection(
      { ...base, mode: 'oco', side: 'sell', target: '4995', stop: '5005' },
      ES,
      account,
      5000,
    );
    expect(!bad.ok && bad.errors).toMatchObject({
      target: expect.stringMatching(/above the market/),
      stop: expect.stringMatching(/below the market/),
    });
  });

  it('a trailing stop by ticks, amount or percent, with an optional activation price', () => {
    expect(validateProtection({ ...base, mode: 'trailing', side: 'sell' }, ES, account, 5000)).toMatchObject({
      ok: true,
      request: { kind: 'trailing', trail: { by: 'ticks', offset: 4, activationPrice: null } },
    });
    const amount = validateProtection(
      { ...base, mode: 'trailing', trailBy: 'amount', trailOffset: '0.3' },
      ES,
      account,
      5000,
    );
    expect(!amount.ok && amount.errors.trailOffset).toMatch(/tick size/);
    const pct = validateProtection(
      { ...base, mode: 'trailing', trailBy: 'percent', trailOffset: '120' },
      ES,
      account,
      5000,
    );
    expect(!pct.ok && pct.errors.trailOffset).toMatch(/below 100/);
    const noQuote = validateProtection({ ...base, mode: 'trailing' }, ES, account, null);
    expect(!noQuote.ok && noQuote.errors.trailOffset).toMatch(/no ES price/);
    const armed = validateProtection({ ...base, mode: 'trailing', activation: '5010' }, ES, account, null);
    expect(armed.ok && armed.request).toMatchObject({ trail: { activationPrice: 5010 } });
  });
});
