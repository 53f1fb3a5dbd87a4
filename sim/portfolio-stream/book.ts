/**
 * One user's portfolio in the portfolio-stream simulator: positions that reprice with the market,
 * orders that walk new → accepted → filled, trades, and an account whose equity follows. Every
 * payload is shaped exactly like seed 001 (numbers as decimal strings, ISO timestamps).
 */
import type { MarketSource } from '../market';

export interface PositionPayload {
  symbol: string;
  quantity: string;
  currentPrice: string;
  entryPrice: string;
  unrealizedPnl: string;
  unrealizedPnlPercent: string;
  marketValue: string;
  side: 'long' | 'short';
  strategyId: string;
  openedAt: string;
}

export interface OrderPayload {
  orderId: string;
  brokerOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  status:
    'new' | 'accepted' | 'pending_new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';
  qty: string;
  filledQty: string;
  filledAvgPrice: string | null;
  limitPrice: string | null;
  submittedAt: string;
  filledAt: string | null;
}

export interface AccountPayload {
  equity: string;
  buyingPower: string;
  cash: string;
  portfolioValue: string;
  dayPnl: string;
  dayPnlPercent: string;
  timestamp: string;
}

export interface TradePayload {
  tradeId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
  price: string;
  pnl: string;
  executedAt: string;
  strategyId: string;
}

export interface BatchData {
  positions: PositionPayload[];
  orders: OrderPayload[];
  account?: AccountPayload;
  trades: TradePayload[];
}

interface Holding {
  qty: number; // signed
  entry: number;
  openedAt: number;
  strategyId: string;
}

const money = (n: number): string => n.toFixed(2);
const iso = (ms: number): string => new Date(ms).toISOString();

export class PortfolioBook {
  private readonly holdings = new Map<string, Holding>();
  private readonly orders = new Map<string, OrderPayload>();
  private cash: number;
  private readonly startEquity: number;
  private seq = 0;
  /** Changes since the last `drain()`, for the next batch. */
  private pending: BatchData = { positions: [], orders: [], trades: [] };

  constructor(
    readonly userId: string,
    private readonly market: MarketSource,
    now: number,
    seedHoldings: { symbol: string; qty: number; entryOffset: number }[] = [
      { symbol: 'AAPL', qty: 100, entryOffset: -5.25 },
      { symbol: 'TSLA', qty: -20, entryOffset: 3.1 },
      { symbol: 'NVDA', qty: 25, entryOffset: -12 },
    ],
  ) {
    this.cash = 50_000;
    for (const h of seedHoldings) {
      const price = market.price(h.symbol);
      this.holdings.set(h.symbol, {
        qty: h.qty,
        entry: price + h.entryOffset,
        openedAt: now - 86_400_000,
        strategyId: 'strategy-xyz',
      });
    }
    // A resting limit order so the orders panel is not empty from the start.
    const aapl = market.price('AAPL');
    this.addOrder(
      {
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        qty: 10,
        limitPrice: Math.floor(aapl * 0.95),
        status: 'accepted',
      },
      now,
    );
    this.startEquity = this.equity();
  }

  /** Reprice, maybe trade; records what changed for the next batch. */
  step(now: number): void {
    for (const symbol of this.holdings.keys()) this.touchPosition(symbol, now);
    // Walk pending market orders to filled.
    for (const o of this.orders.values()) {
      if (o.status === 'new') {
        o.status = 'accepted';
        this.pending.orders.push({ ...o });
      } else if (o.status === 'accepted' && o.type === 'market') this.fill(o, now);
    }
    if (this.market.uniform() < 0.15) {
      const symbols = this.market.list();
      const symbol = symbols[Math.floor(this.market.uniform() * symbols.length)] ?? 'AAPL';
      const side = this.market.uniform() < 0.5 ? 'buy' : 'sell';
      this.addOrder(
        {
          symbol,
          side,
          type: 'market',
          qty: 1 + Math.floor(this.market.uniform() * 10),
          limitPrice: null,
          status: 'new',
        },
        now,
      );
    }
    this.pending.account = this.accountPayload(now);
  }

  /** Take the accumulated changes (deduplicated per symbol and order, latest state wins). */
  drain(): BatchData {
    const p = this.pending;
    this.pending = { positions: [], orders: [], trades: [] };
    return {
      positions: latestBy(p.positions, (x) => x.symbol),
      orders: latestBy(p.orders, (x) => x.orderId),
      trades: p.trades,
      ...(p.account === undefined ? {} : { account: p.account }),
    };
  }

  /** Everything, for a client that just subscribed. */
  full(now: number): BatchData {
    return {
      positions: [...this.holdings.keys()].map((s) => this.positionPayload(s, now)),
      orders: [...this.orders.values()].map((o) => ({ ...o })),
      account: this.accountPayload(now),
      trades: [],
    };
  }

  private addOrder(
    o: {
      symbol: string;
      side: 'buy' | 'sell';
      type: 'market' | 'limit';
      qty: number;
      limitPrice: number | null;
      status: OrderPayload['status'];
    },
    now: number,
  ): void {
    this.seq += 1;
    const order: OrderPayload = {
      orderId: `${this.userId}-order-${this.seq}`,
      brokerOrderId: `alpaca-${1000 + this.seq}`,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      status: o.status,
      qty: String(o.qty),
      filledQty: '0',
      filledAvgPrice: null,
      limitPrice: o.limitPrice === null ? null : money(o.limitPrice),
      submittedAt: iso(now),
      filledAt: null,
    };
    this.orders.set(order.orderId, order);
    this.pending.orders.push({ ...order });
  }

  private fill(o: OrderPayload, now: number): void {
    const price = this.market.price(o.symbol);
    const qty = Number(o.qty);
    const signed = o.side === 'buy' ? qty : -qty;
    const h = this.holdings.get(o.symbol);
    let pnl = 0;
    if (h === undefined) {
      this.holdings.set(o.symbol, { qty: signed, entry: price, openedAt: now, strategyId: 'strategy-xyz' });
    } else if (Math.sign(h.qty) === Math.sign(signed)) {
      h.entry = (h.entry * Math.abs(h.qty) + price * qty) / (Math.abs(h.qty) + qty);
      h.qty += signed;
    } else {
      const closing = Math.min(Math.abs(h.qty), qty);
      pnl = (price - h.entry) * closing * Math.sign(h.qty);
      const rest = h.qty + signed;
      if (rest === 0) {
        this.holdings.delete(o.symbol);
        this.pending.positions.push({
          ...this.positionPayload(o.symbol, now, {
            qty: 0,
            entry: h.entry,
            openedAt: h.openedAt,
            strategyId: h.strategyId,
          }),
        });
      } else if (Math.sign(rest) !== Math.sign(h.qty)) {
        h.qty = rest;
        h.entry = price;
        h.openedAt = now;
      } else h.qty = rest;
    }
    this.cash -= signed * price;
    o.status = 'filled';
    o.filledQty = o.qty;
    o.filledAvgPrice = money(price);
    o.filledAt = iso(now);
    this.pending.orders.push({ ...o });
    this.pending.trades.push({
      tradeId: `${this.userId}-trade-${this.seq}-${o.orderId}`,
      symbol: o.symbol,
      side: o.side,
      quantity: o.qty,
      price: money(price),
      pnl: money(pnl),
      executedAt: iso(now),
      strategyId: 'strategy-xyz',
    });
    if (this.holdings.has(o.symbol)) this.touchPosition(o.symbol, now);
  }

  private touchPosition(symbol: string, now: number): void {
    this.pending.positions.push(this.positionPayload(symbol, now));
  }

  private positionPayload(symbol: string, _now: number, override?: Holding): PositionPayload {
    const h = override ?? this.holdings.get(symbol);
    if (h === undefined) throw new Error(`no holding ${symbol}`);
    const price = this.market.price(symbol);
    const pnl = (price - h.entry) * h.qty;
    const basis = Math.abs(h.entry * h.qty);
    return {
      symbol,
      quantity: String(Math.abs(h.qty)),
      currentPrice: money(price),
      entryPrice: money(h.entry),
      unrealizedPnl: money(pnl),
      unrealizedPnlPercent: money(basis === 0 ? 0 : (pnl / basis) * 100),
      marketValue: money(price * h.qty),
      side: h.qty < 0 ? 'short' : 'long',
      strategyId: h.strategyId,
      openedAt: iso(h.openedAt),
    };
  }

  private equity(): number {
    let value = this.cash;
    for (const [symbol, h] of this.holdings) value += this.market.price(symbol) * h.qty;
    return value;
  }

  private accountPayload(now: number): AccountPayload {
    const equity = this.equity();
    const dayPnl = equity - this.startEquity;
    return {
      equity: money(equity),
      buyingPower: money(Math.max(0, this.cash) * 4),
      cash: money(this.cash),
      portfolioValue: money(equity),
      dayPnl: money(dayPnl),
      dayPnlPercent: money((dayPnl / this.startEquity) * 100),
      timestamp: iso(now),
    };
  }
}

function latestBy<T>(items: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const item of items) m.set(key(item), item);
  return [...m.values()];
}
