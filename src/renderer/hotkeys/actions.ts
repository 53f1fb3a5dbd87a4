/**
 * What each hotkey does, on the focused symbol with the ticket's account and quantity. Orders go
 * through `placeQuick` (the ticket's validation, then `orders.place`); symbol-wide actions are
 * single engine commands (`orders.cancelAll`, `positions.flatten`, `positions.reverse`) so the
 * order desk reports each order's outcome instead of the page looping over them.
 */
import type { TerminalApi } from '../../shared/api';
import { isOrderDone } from '../../shared/domain';
import type { HotkeyAction, HotkeySettings } from '../../shared/hotkeys';
import { quoteKey } from '../../shared/keys';
import type { ClientState } from '../state/store';
import { placeQuick, type QuickOutcome } from '../ticket/quickOrder';
import type { TradeTarget } from './target';

export interface HotkeyContext {
  api: TerminalApi;
  state: ClientState;
  target: TradeTarget;
  settings: HotkeySettings;
  confirm: (title: string, message: string, label: string) => Promise<boolean>;
}

export const LIVE_OFF_TEXT =
  'Trading hotkeys are off for live accounts. Turn them on in hotkey settings if you want them there.';
export const LIVE_DOM_OFF_TEXT =
  'One-click trading from the DOM is off for live accounts. Turn it on in hotkey settings (press ?) if you want it there.';

export async function runHotkey(action: HotkeyAction, ctx: HotkeyContext): Promise<QuickOutcome> {
  const { api, state, target } = ctx;
  const { instrument, account } = target;
  if (instrument === undefined)
    return { ok: false, text: 'Pick a symbol first: hotkeys trade the chart’s symbol.' };
  if (account === null)
    return { ok: false, text: `No account on ${instrument.connectionId} can trade ${instrument.symbol}.` };
  if (account.mode === 'live' && !ctx.settings.liveEnabled) return { ok: false, text: LIVE_OFF_TEXT };
  const where = {
    connectionId: account.connectionId,
    accountId: account.accountId,
    symbol: instrument.symbol,
    origin: 'hotkey' as const,
  };
  const quote = state.quotes.get(quoteKey(instrument.connectionId, instrument.symbol));
  const order = (side: 'buy' | 'sell', at: 'bid' | 'ask' | 'market'): Promise<QuickOutcome> => {
    if (at === 'market')
      return placeQuick(
        api,
        { instrument, account, side, type: 'market', qty: target.qty, origin: 'hotkey' },
        ctx.confirm,
      );
    if (quote === undefined)
      return Promise.resolve({ ok: false, text: `No ${at} for ${instrument.symbol} yet.` });
    const price = at === 'bid' ? quote.bid : quote.ask;
    return placeQuick(
      api,
      { instrument, account, side, type: 'limit', qty: target.qty, price, origin: 'hotkey' },
      ctx.confirm,
    );
  };

  switch (action) {
    case 'buyBid':
      return order('buy', 'bid');
    case 'buyAsk':
      return order('buy', 'ask');
    case 'buyMarket':
      return order('buy', 'market');
    case 'sellBid':
      return order('sell', 'bid');
    case 'sellAsk':
      return order('sell', 'ask');
    case 'sellMarket':
      return order('sell', 'market');
    case 'cancelAll': {
      const r = await api.orders.cancelAll(where);
      if (!r.ok) return { ok: false, text: r.error.message };
      const { cancelled, failed, pending = [] } = r.value;
      if (cancelled.length === 0 && failed.length === 0 && pending.length === 0)
        return { ok: true, text: `No working orders on ${instrument.symbol}.` };
      const done = `${cancelled.length} ${instrument.symbol} order${cancelled.length === 1 ? '' : 's'} cancelled`;
      const later =
        pending.length === 0 ? '' : `; ${pending.length} still being placed — will cancel when acknowledged`;
      if (failed.length === 0) return { ok: true, text: `${done}${later}.` };
      return {
        ok: false,
        text: `${done}${later}; not cancelled: ${failed.map((f) => `${f.orderId} (${f.message})`).join('; ')}`,
      };
    }
    case 'flatten': {
      const r = await api.positions.flatten(where);
      if (!r.ok) return { ok: false, text: r.error.message };
      return { ok: true, text: flattenText(instrument.symbol, r.value.length) };
    }
    case 'reverse': {
      const r = await api.positions.reverse(where);
      if (!r.ok) return { ok: false, text: r.error.message };
      // The symbol's working orders are cancelled first; the reversing order comes last.
      const o = r.value.at(-1);
      const cancelled = r.value.length - 1;
      return {
        ok: true,
        text: `${instrument.symbol} reversed: ${o ? `${o.side} ${o.qty} at market` : 'done'}${cancelled > 0 ? `; ${cancelled} working order${cancelled === 1 ? '' : 's'} cancelled first` : ''}.`,
      };
    }
    case 'flattenAll':
      return flattenAll(ctx, account.connectionId, account.accountId);
  }
}

function flattenText(symbol: string, touched: number): string {
  return touched === 0
    ? `Nothing to flatten on ${symbol}.`
    : `${symbol} flattened (${touched} order${touched === 1 ? '' : 's'}).`;
}

/**
 * Every symbol of the account that holds a position or a working order, flattened one by one by
 * the engine; each symbol's failure is reported and does not stop the others.
 */
async function flattenAll(
  ctx: HotkeyContext,
  connectionId: string,
  accountId: string,
): Promise<QuickOutcome> {
  const symbols = new Set<string>();
  for (const p of ctx.state.positions.values())
    if (p.connectionId === connectionId && p.accountId === accountId && p.qty !== 0) symbols.add(p.symbol);
  for (const o of ctx.state.orders.values())
    if (o.connectionId === connectionId && o.accountId === accountId && !isOrderDone(o.status))
      symbols.add(o.symbol);
  if (symbols.size === 0) return { ok: true, text: 'Nothing to flatten: no positions or working orders.' };
  const results = await Promise.all(
    [...symbols].map(async (symbol) => ({
      symbol,
      r: await ctx.api.positions.flatten({ connectionId, accountId, symbol, origin: 'hotkey' }),
    })),
  );
  const failed = results.filter((x) => !x.r.ok);
  const done = results.length - failed.length;
  const text = `${done} of ${results.length} symbol${results.length === 1 ? '' : 's'} flattened`;
  if (failed.length === 0) return { ok: true, text: `${text}.` };
  return {
    ok: false,
    text: `${text}; ${failed.map((f) => `${f.symbol}: ${f.r.ok ? '' : f.r.error.message}`).join('; ')}`,
  };
}
