/**
 * TradeStation v3 objects as the relay of seed 002 forwards them (brokers.md §4.4–4.5): every
 * number a string, `ExecQuantity` cumulative, `FilledPrice` the running average, no update time.
 */
import type { SimOrder } from '../account';

export interface TsOrderLeg {
  AssetType: 'STOCK';
  BuyOrSell: 'Buy' | 'Sell';
  ExecQuantity: string;
  ExecutionPrice?: string;
  OpenOrClose: 'Open' | 'Close';
  QuantityOrdered: string;
  QuantityRemaining: string;
  Symbol: string;
}

export interface TsOrder {
  AccountID: string;
  CommissionFee: string;
  Currency: 'USD';
  Duration: 'DAY' | 'GTC';
  FilledPrice: string;
  GoodTillDate?: string;
  Legs: TsOrderLeg[];
  LimitPrice?: string;
  StopPrice?: string;
  OpenedDateTime: string;
  ClosedDateTime?: string;
  OrderID: string;
  OrderType: 'Market' | 'Limit' | 'StopMarket' | 'StopLimit';
  PriceUsedForBuyingPower?: string;
  Routing: 'Intelligent';
  Status: string;
  StatusDescription: string;
  UnbundledRouteFee: '0';
}

export interface TsPosition {
  AccountID: string;
  AssetType: 'STOCK';
  AveragePrice: string;
  Bid: string;
  Ask: string;
  Last: string;
  LongShort: 'Long' | 'Short';
  MarketValue: string;
  PositionID: string;
  Quantity: string;
  Symbol: string;
  Timestamp: string;
  TodaysProfitLoss: string;
  TotalCost: string;
  UnrealizedProfitLoss: string;
  UnrealizedProfitLossPercent: string;
}

export const STATUS_TEXT: Record<string, string> = {
  OPN: 'Sent',
  ACK: 'Received',
  DON: 'Queued',
  FPR: 'Partial Fill (Alive)',
  FLL: 'Filled',
  FLP: 'Partial Fill (UROut)',
  STP: 'Stop Hit',
  UCN: 'Cancel Sent',
  CAN: 'Canceled',
  EXP: 'Expired',
  OUT: 'UROut',
  REJ: 'Rejected',
};

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const px = (n: number): string => String(Math.round(n * 100) / 100);

function orderType(o: SimOrder): TsOrder['OrderType'] {
  if (o.type === 'limit') return 'Limit';
  if (o.type === 'stop' || o.type === 'trailing_stop') return 'StopMarket';
  if (o.type === 'stop_limit') return 'StopLimit';
  return 'Market';
}

/** The order's full cumulative state under `code`; `closed` adds ClosedDateTime (sent late, per the quirk). */
export function tsOrder(accountId: string, o: SimOrder, code: string, closed: boolean): TsOrder {
  const remaining = Math.max(0, o.qty - o.filledQty);
  const done = code === 'FLL' || code === 'CAN' || code === 'EXP' || code === 'FLP' || code === 'REJ';
  return {
    AccountID: accountId,
    CommissionFee: o.filledQty > 0 ? px(Math.max(1, o.filledQty * 0.005)) : '0',
    Currency: 'USD',
    Duration: 'DAY',
    FilledPrice: o.avgFillPrice === null ? '0' : px(o.avgFillPrice),
    Legs: [
      {
        AssetType: 'STOCK',
        BuyOrSell: o.side === 'buy' ? 'Buy' : 'Sell',
        ExecQuantity: String(o.filledQty),
        ...(o.avgFillPrice === null ? {} : { ExecutionPrice: px(o.avgFillPrice) }),
        OpenOrClose: 'Open',
        QuantityOrdered: String(o.qty),
        QuantityRemaining: String(done ? 0 : remaining),
        Symbol: o.symbol,
      },
    ],
    ...(o.limitPrice === null ? {} : { LimitPrice: px(o.limitPrice) }),
    ...(o.stopPrice === null ? {} : { StopPrice: px(o.stopPrice) }),
    OpenedDateTime: iso(o.createdAt),
    ...(closed ? { ClosedDateTime: iso(o.updatedAt) } : {}),
    OrderID: o.id,
    OrderType: orderType(o),
    Routing: 'Intelligent',
    Status: code,
    StatusDescription: STATUS_TEXT[code] ?? code,
    UnbundledRouteFee: '0',
  };
}

export function tsPosition(
  accountId: string,
  symbol: string,
  qty: number,
  avgPrice: number,
  quote: { bid: number; ask: number; last: number },
  ts: number,
): TsPosition {
  const value = qty * quote.last;
  const cost = qty * avgPrice;
  const upl = value - cost;
  return {
    AccountID: accountId,
    AssetType: 'STOCK',
    AveragePrice: px(avgPrice),
    Bid: px(quote.bid),
    Ask: px(quote.ask),
    Last: px(quote.last),
    LongShort: qty < 0 ? 'Short' : 'Long',
    MarketValue: px(value),
    PositionID: `${accountId}-${symbol}`,
    Quantity: String(qty),
    Symbol: symbol,
    Timestamp: new Date(ts).toISOString(),
    TodaysProfitLoss: px(upl),
    TotalCost: px(cost),
    UnrealizedProfitLoss: px(upl),
    UnrealizedProfitLossPercent: cost === 0 ? '0' : px((upl / Math.abs(cost)) * 100),
  };
}
