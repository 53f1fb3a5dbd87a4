/**
 * One user's portfolio in the portfolio-stream simulator: an account at the world's venue whose
 * positions reprice with the market, orders that walk new → accepted → filled (market orders fill
 * at the touch, as the venue's book does), trades, and an account whose equity follows. Every
 * payload is shaped exactly like seed 001 (numbers as decimal strings, ISO timestamps).
 */
import type { AccountEvent, SimAccount } from '../account';
import type { Venue } from '../market';

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

/** What the gateway adds to a position beyond quantity and average price. */
interface HoldingInfo {
  openedAt: number;
  strategyId: string;
  /** The average entry while open, kept so the closing update can still report it. */
  entry: number;
  /** 1 long, -1 short: a flip opens the position again. */
  sign: number;
}

const money = (n: number): string => n.toFixed(2);
const iso = (ms: number): string => new Date(ms).toISOString();

export class PortfolioBook {
  readonly userId: string;
  private readonly info = new Map<string, HoldingInfo>();
  private readonly orders = new Map<string, OrderPayload>();
  private readonly startEquity: number;
  private seq = 0;
  private tradeSeq = 0;
  /** Changes since the last `drain()`, for the next batch. */
  private pending: BatchData = { positions: [], orders: [], trades: [] };

  constructor(
    readonly account: SimAccount,
    private readonly market: Venue,
    now: number,
    seedHoldings: { symbol: string; qty: number; entryOffset: number }[] = [
      { symbol: 'AAPL', qty: 100, entryOffset: -5.25 },
      { symbol: 'TSLA', qty: -20, entryOffset: 3.1 },
      { symbol: 'NVDA', qty: 25, entryOffset: -12 },
    ],
  ) {
    this.userId = account.id;
    for (const h of seedHoldings) {
      const entry = market.price(h.symbol) + h.entryOffset;
      this.account.seedPosition(h.symbol, h.qty, entry);
      this.info.set(h.symbol, {
        openedAt: now - 86_400_000,
        strategyId: 'strategy-xyz',
        entry,
        sign: Math.sign(h.qty),
      });
    }
    this.account.on((e) => this.onAccount(e));
    // A resting limit order so the orders panel is not empty from the start.
    const aapl = market.price('AAPL');
    const rest = this.addOrder(
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
    this.submit(rest, now);
    this.startEquity = this.account.equity();
  }

  /** Reprice, maybe trade; records what changed for the next batch. */
  step(now: number): void {
    for (const symbol of this.account.holdings.keys()) this.touchPosition(symbol, now);
    // Walk market orders: new → accepted, then to the venue, which fills them at the touch.
    for (const o of [...this.orders.values()]) {
      if (o.status === 'new') {
        o.status = 'accepted';
        this.pending.orders.push({ ...o });
      } else if (o.status === 'accepted' && o.type === 'market' && !this.account.orders.has(o.orderId))
        this.submit(o, now);
    }
    const flow = this.market.flowRng;
    if (flow() < 0.15) {
      const symbols = this.market.symbols();
      const symbol = symbols[Math.floor(flow() * symbols.length)] ?? 'AAPL';
      const side = flow() < 0.5 ? 'buy' : 'sell';
      this.addOrder(
        {
          symbol,
          side,
          type: 'market',
          qty: 1 + Math.floor(flow() * 10),
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
      positions: [...this.account.holdings.keys()].map((s) => this.positionPayload(s, now)),
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
  ): OrderPayload {
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
    return order;
  }

  private submit(o: OrderPayload, now: number): void {
    this.account.place(
      o.symbol,
      {
        id: o.orderId,
        side: o.side,
        type: o.type,
        qty: Number(o.qty),
        limitPrice: o.limitPrice === null ? null : Number(o.limitPrice),
        tif: 'gtc',
      },
      now,
    );
  }

  private onAccount(e: AccountEvent): void {
    if (e.type === 'fill') {
      const o = this.orders.get(e.order.id);
      if (o === undefined) return;
      const f = e.fill;
      o.status = e.order.status === 'filled' ? 'filled' : 'partially_filled';
      o.filledQty = String(e.order.filledQty);
      o.filledAvgPrice = money(e.order.avgFillPrice ?? f.price);
      if (o.status === 'filled') o.filledAt = iso(f.ts);
      this.pending.orders.push({ ...o });
      this.pending.trades.push({
        tradeId: `${this.userId}-trade-${++this.tradeSeq}-${o.orderId}`,
        symbol: f.symbol,
        side: f.side,
        quantity: String(f.qty),
        price: money(f.price),
        pnl: money(f.realized),
        executedAt: iso(f.ts),
        strategyId: 'strategy-xyz',
      });
    } else if (e.type === 'position') {
      const prior = this.info.get(e.symbol);
      if (e.qty === 0) {
        // The closing update still carries the entry it closed at.
        if (prior !== undefined) this.pending.positions.push(this.positionPayload(e.symbol, e.ts, 0, prior));
        this.info.delete(e.symbol);
        return;
      }
      // A new position, or a flip through zero, opens again at this fill.
      const info: HoldingInfo =
        prior === undefined || prior.sign !== Math.sign(e.qty)
          ? { openedAt: e.ts, strategyId: 'strategy-xyz', entry: e.avgPrice, sign: Math.sign(e.qty) }
          : { ...prior, entry: e.avgPrice };
      this.info.set(e.symbol, info);
      this.touchPosition(e.symbol, e.ts);
    } else if (e.order.status === 'cancelled' || e.order.status === 'expired') {
      const o = this.orders.get(e.order.id);
      if (o === undefined) return;
      o.status = e.order.status === 'cancelled' ? 'canceled' : 'expired';
      this.pending.orders.push({ ...o });
    }
  }

  private touchPosition(symbol: string, now: number): void {
    this.pending.positions.push(this.positionPayload(symbol, now));
  }

  private positionPayload(
    symbol: string,
    _now: number,
    qtyOverride?: number,
    infoOverride?: HoldingInfo,
  ): PositionPayload {
    const info = infoOverride ?? this.info.get(symbol);
    if (info === undefined) throw new Error(`no holding ${symbol}`);
    const qty = qtyOverride ?? this.account.position(symbol).qty;
    const entry = info.entry;
    const price = this.market.price(symbol);
    const pnl = (price - entry) * qty;
    const basis = Math.abs(entry * qty);
    return {
      symbol,
      quantity: String(Math.abs(qty)),
      currentPrice: money(price),
      entryPrice: money(entry),
      unrealizedPnl: money(pnl),
      unrealizedPnlPercent: money(basis === 0 ? 0 : (pnl / basis) * 100),
      marketValue: money(price * qty),
      side: qty < 0 ? 'short' : 'long',
      strategyId: info.strategyId,
      openedAt: iso(info.openedAt),
    };
  }

  private accountPayload(now: number): AccountPayload {
    const cash = this.account.cash;
    const equity = this.account.equity();
    const dayPnl = equity - this.startEquity;
    return {
      equity: money(equity),
      buyingPower: money(Math.max(0, cash) * 4),
      cash: money(cash),
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
