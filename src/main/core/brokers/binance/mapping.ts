/**
 * Translation of Binance Spot frames into the engine's shapes: orders from `executionReport`s and
 * order bodies, fills from trades (ids unique per symbol, so prefixed by it), instruments from
 * `exchangeInfo` filters, and spot holdings as positions in `<ASSET><quote>`.
 */
import type { Fill, Instrument, Order, OrderStatus, OrderType, TimeInForce } from '../../../../shared/domain';
import type { ExchangeInfoBody, ExecutionReport, OrderBody, TradeBody } from './messages';
import { fromUnits, toUnits } from './units';

export const STATUS: Record<string, OrderStatus> = {
  NEW: 'working',
  PENDING_NEW: 'pending',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'cancelled',
  // Unused by Binance today; the cancel has not happened yet.
  PENDING_CANCEL: 'working',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  EXPIRED_IN_MATCH: 'expired',
};

export function orderType(type: string, trailing: boolean): OrderType {
  if (trailing) return 'trailing_stop';
  switch (type) {
    case 'MARKET':
      return 'market';
    case 'STOP_LOSS':
    case 'TAKE_PROFIT':
      return 'stop';
    case 'STOP_LOSS_LIMIT':
    case 'TAKE_PROFIT_LIMIT':
      return 'stop_limit';
    default:
      return 'limit';
  }
}

function tif(f: string): TimeInForce {
  return f === 'IOC' || f === 'FOK' ? 'ioc' : 'gtc';
}

const positive = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = fromUnits(toUnits(s));
  return n > 0 ? n : null;
};

/** What a list id stands for, learned from `listStatus` and our own placements. */
export type ListKinds = ReadonlyMap<number, 'oco' | 'bracket'>;

export function orderFromReport(
  r: ExecutionReport,
  connectionId: string,
  accountId: string,
  lists: ListKinds,
): Order {
  const filled = toUnits(r.z);
  const quote = toUnits(r.Z);
  const trailing = r.d !== undefined;
  const stop = positive(r.P);
  return {
    id: String(r.i),
    // A cancel's report carries the cancel request's id in `c` and the order's own in `C`.
    clientOrderId: r.C !== undefined && r.C !== null && r.C !== '' ? r.C : r.c,
    connectionId,
    accountId,
    symbol: r.s,
    side: r.S === 'BUY' ? 'buy' : 'sell',
    type: orderType(r.o, trailing),
    tif: tif(r.f),
    qty: fromUnits(toUnits(r.q)),
    filledQty: fromUnits(filled),
    avgFillPrice: filled > 0n ? fromUnits((quote * 100_000_000n) / filled) : null,
    limitPrice: positive(r.p),
    stopPrice: stop,
    status: STATUS[r.X] ?? 'unknown',
    rejectReason: r.X === 'REJECTED' ? (r.r ?? 'rejected by Binance') : null,
    heldBy: 'broker',
    createdAt: r.O,
    updatedAt: r.T,
    ...(trailing ? { trail: trailOf(r.d ?? 0, stop) } : {}),
    ...(r.g >= 0 ? { list: { id: String(r.g), type: lists.get(r.g) ?? 'oco', role: 'leg' as const } } : {}),
  };
}

function trailOf(bips: number, stop: number | null): NonNullable<Order['trail']> {
  // trailingDelta is in BIPS (100 = 1 %); Binance does not report where the stop is now.
  return {
    by: 'percent',
    offset: bips / 100,
    activationPrice: stop,
    stopPrice: null,
    peak: null,
    activated: stop === null,
  };
}

export function orderFromBody(
  b: OrderBody,
  connectionId: string,
  accountId: string,
  lists: ListKinds,
): Order {
  const filled = toUnits(b.executedQty);
  const quote = toUnits(b.cummulativeQuoteQty);
  const trailing = b.trailingDelta !== undefined;
  const stop = positive(b.stopPrice);
  const created = b.time ?? b.transactTime ?? b.workingTime ?? 0;
  const g = b.orderListId ?? -1;
  return {
    id: String(b.orderId),
    clientOrderId: b.clientOrderId,
    connectionId,
    accountId,
    symbol: b.symbol,
    side: b.side === 'BUY' ? 'buy' : 'sell',
    type: orderType(b.type, trailing),
    tif: tif(b.timeInForce),
    qty: fromUnits(toUnits(b.origQty)),
    filledQty: fromUnits(filled),
    avgFillPrice: filled > 0n ? fromUnits((quote * 100_000_000n) / filled) : null,
    limitPrice: positive(b.price),
    stopPrice: stop,
    status: STATUS[b.status] ?? 'unknown',
    rejectReason: b.status === 'REJECTED' ? 'rejected by Binance' : null,
    heldBy: 'broker',
    createdAt: created,
    updatedAt: b.updateTime ?? created,
    ...(trailing ? { trail: trailOf(b.trailingDelta ?? 0, stop) } : {}),
    ...(g >= 0 ? { list: { id: String(g), type: lists.get(g) ?? 'oco', role: 'leg' as const } } : {}),
  };
}

/** Prices of other assets in the quote asset, for commissions paid in BNB. */
export type PriceOf = (asset: string) => number | null;

/**
 * A commission in the quote currency: in the quote asset as is, in the base asset at the trade's
 * price, in anything else (BNB) at that asset's last price (0 when none is known yet).
 */
export function commissionInQuote(
  n: bigint,
  asset: string | null,
  baseAsset: string,
  quoteAsset: string,
  price: bigint,
  priceOf: PriceOf,
): number {
  if (asset === null || n === 0n) return 0;
  if (asset === quoteAsset) return fromUnits(n);
  if (asset === baseAsset) return fromUnits((n * price) / 100_000_000n);
  const p = priceOf(asset);
  return p === null ? 0 : fromUnits(n) * p;
}

export function fillFromTrade(
  t: TradeBody,
  connectionId: string,
  accountId: string,
  pair: { base: string; quote: string },
  priceOf: PriceOf,
): Fill {
  const price = toUnits(t.price);
  return {
    // Trade ids are unique per symbol only.
    id: `${t.symbol}:${t.id}`,
    orderId: String(t.orderId),
    connectionId,
    accountId,
    symbol: t.symbol,
    side: t.isBuyer ? 'buy' : 'sell',
    qty: fromUnits(toUnits(t.qty)),
    price: fromUnits(price),
    commission: commissionInQuote(
      toUnits(t.commission),
      t.commissionAsset,
      pair.base,
      pair.quote,
      price,
      priceOf,
    ),
    ts: t.time,
  };
}

/** What the ticket and the adapter check an order against: exchangeInfo's filters. */
export interface SymbolRules {
  symbol: string;
  base: string;
  quote: string;
  tickSize: number;
  minPrice: number;
  maxPrice: number;
  stepSize: number;
  minQty: number;
  maxQty: number;
  minNotional: number;
  maxNotional: number;
  minTrailingDelta: number;
  maxTrailingDelta: number;
}

function num(f: Record<string, unknown> | undefined, key: string, fallback: number): number {
  const v = f?.[key];
  const n = typeof v === 'string' || typeof v === 'number' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}

export function rulesFrom(info: ExchangeInfoBody, quoteAsset: string): SymbolRules[] {
  const out: SymbolRules[] = [];
  for (const s of info.symbols) {
    if (s.status !== 'TRADING' || s.quoteAsset !== quoteAsset) continue;
    const f = (type: string) =>
      s.filters.find((x) => x.filterType === type) as Record<string, unknown> | undefined;
    const price = f('PRICE_FILTER');
    const lot = f('LOT_SIZE');
    // NOTIONAL replaced MIN_NOTIONAL in 2023; older testnet symbols may still carry the latter.
    const notional = f('NOTIONAL') ?? f('MIN_NOTIONAL');
    const trailing = f('TRAILING_DELTA');
    const tickSize = num(price, 'tickSize', 0);
    const stepSize = num(lot, 'stepSize', 0);
    if (!(tickSize > 0) || !(stepSize > 0)) continue;
    out.push({
      symbol: s.symbol,
      base: s.baseAsset,
      quote: s.quoteAsset,
      tickSize,
      minPrice: num(price, 'minPrice', 0),
      maxPrice: num(price, 'maxPrice', 0),
      stepSize,
      minQty: num(lot, 'minQty', 0),
      maxQty: num(lot, 'maxQty', 0),
      minNotional: num(notional, 'minNotional', 0),
      maxNotional: num(notional, 'maxNotional', 0),
      minTrailingDelta: Math.max(
        num(trailing, 'minTrailingBelowDelta', 10),
        num(trailing, 'minTrailingAboveDelta', 10),
      ),
      maxTrailingDelta: Math.min(
        num(trailing, 'maxTrailingBelowDelta', 2000),
        num(trailing, 'maxTrailingAboveDelta', 2000),
      ),
    });
  }
  return out;
}

export function instrumentOf(r: SymbolRules, connectionId: string): Instrument {
  return {
    symbol: r.symbol,
    name: `${r.base}/${r.quote}`,
    assetClass: 'crypto',
    tickSize: r.tickSize,
    multiplier: 1,
    currency: currencyOfQuote(r.quote),
    qtyStep: r.stepSize,
    pricePrecision: Math.max(0, Math.round(-Math.log10(r.tickSize))),
    connectionId,
  };
}

/** Why an order breaks a filter, naming the filter as Binance does ("Filter failure: NOTIONAL"). */
export function filterProblem(
  r: SymbolRules,
  qty: number,
  price: number | null,
  refPrice: number | null,
): string | null {
  const onGrid = (v: number, step: number) =>
    Math.abs(v / step - Math.round(v / step)) < 1e-9 * Math.max(1, v / step);
  if (qty < r.minQty || (r.maxQty > 0 && qty > r.maxQty) || !onGrid(qty, r.stepSize))
    return `Filter failure: LOT_SIZE — ${r.symbol} takes ${r.minQty} to ${r.maxQty} in steps of ${r.stepSize}.`;
  if (
    price !== null &&
    (!onGrid(price, r.tickSize) || price < r.minPrice || (r.maxPrice > 0 && price > r.maxPrice))
  )
    return `Filter failure: PRICE_FILTER — ${r.symbol} prices are multiples of ${r.tickSize}.`;
  const ref = price ?? refPrice;
  if (ref !== null && r.minNotional > 0 && qty * ref < r.minNotional)
    return `Filter failure: NOTIONAL — ${qty} ${r.symbol} at ${ref} is ${(qty * ref).toFixed(2)} ${r.quote}, below the minimum of ${r.minNotional} ${r.quote}.`;
  if (ref !== null && r.maxNotional > 0 && qty * ref > r.maxNotional)
    return `Filter failure: NOTIONAL — ${(qty * ref).toFixed(2)} ${r.quote} is above the maximum of ${r.maxNotional} ${r.quote}.`;
  return null;
}

/**
 * The domain keeps ISO-style 3-letter currencies; USD-pegged quotes read as USD. One rule for an
 * instrument's prices and for the account's cash, so a EUR-quoted account is never summed as USD.
 */
export function currencyOfQuote(quote: string): string {
  return /^(USDT|USDC|FDUSD|BUSD|TUSD|USD)$/.test(quote) ? 'USD' : quote.slice(0, 3);
}
