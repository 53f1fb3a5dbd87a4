/**
 * Hotkeys never reach the engine when they must not: on a live account until the trader allowed
 * it, without a symbol, or without an account. The engine side (cancel-all, flatten, reverse) is
 * tested against the paper broker in test/main/core/orders/desk-symbol.test.ts and the e2e spec.
 */
import { describe, expect, it } from 'vitest';
import type { TerminalApi } from '../../../src/shared/api';
import type { Account, Instrument } from '../../../src/shared/domain';
import { LIVE_OFF_TEXT, runHotkey, type HotkeyContext } from '../../../src/renderer/hotkeys/actions';
import { DEFAULT_HOTKEYS } from '../../../src/renderer/hotkeys/keys';
import { ES } from '../../main/core/fixtures';

const es: Instrument = { ...ES, connectionId: 'tv' };

function account(mode: Account['mode']): Account {
  return {
    connectionId: 'tv',
    accountId: 'A1',
    name: 'Account',
    mode,
    currency: 'USD',
    cash: 0,
    equity: 0,
    realizedPnl: 0,
    unrealizedPnl: 0,
    fees: 0,
    dayPnl: 0,
    verified: true,
  };
}

/** A bridge that records every call; these cases must make none. */
function recordingApi(calls: string[]): TerminalApi {
  const namespace = (ns: string) =>
    new Proxy(
      {},
      { get: (_t, verb) => () => (calls.push(`${ns}.${String(verb)}`), Promise.reject(new Error('no'))) },
    );
  return new Proxy({} as TerminalApi, { get: (_t, ns) => namespace(String(ns)) });
}

function context(over: Partial<HotkeyContext['target']>, liveEnabled = false) {
  const calls: string[] = [];
  const ctx: HotkeyContext = {
    api: recordingApi(calls),
    state: {
      quotes: new Map(),
      positions: new Map(),
      orders: new Map(),
    } as unknown as HotkeyContext['state'],
    target: { instrument: es, account: account('live'), qty: '1', ...over },
    settings: { ...DEFAULT_HOTKEYS, liveEnabled },
    confirm: () => Promise.resolve(false),
  };
  return { ctx, calls };
}

describe('runHotkey', () => {
  it('refuses every action on a live account until the trader turned live hotkeys on', async () => {
    for (const action of ['buyMarket', 'cancelAll', 'flatten', 'flattenAll', 'reverse'] as const) {
      const { ctx, calls } = context({});
      expect(await runHotkey(action, ctx)).toEqual({ ok: false, text: LIVE_OFF_TEXT });
      expect(calls).toEqual([]);
    }
  });

  it('with live turned on, reaches the engine', async () => {
    const { ctx, calls } = context({}, true);
    await expect(runHotkey('cancelAll', ctx)).rejects.toThrow();
    expect(calls).toEqual(['orders.cancelAll']);
  });

  it('needs a symbol and an account, and a quote for bid / ask orders', async () => {
    const noSymbol = context({ instrument: undefined, account: account('paper') });
    expect((await runHotkey('buyMarket', noSymbol.ctx)).text).toMatch(/Pick a symbol/);
    const noAccount = context({ account: null });
    expect((await runHotkey('buyMarket', noAccount.ctx)).text).toMatch(/No account on tv can trade ES/);
    const noQuote = context({ account: account('demo') });
    expect(await runHotkey('buyBid', noQuote.ctx)).toEqual({ ok: false, text: 'No bid for ES yet.' });
    expect([...noSymbol.calls, ...noAccount.calls, ...noQuote.calls]).toEqual([]);
  });
});
