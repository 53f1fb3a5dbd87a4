/**
 * Summaries read outside the stream: `GET /status` (scripts, CI and independent checks read it;
 * fields are added, never renamed or removed) and the tray's P&L line. Figures are rounded for
 * the report only (prices to the instrument's precision, money to cents); the ledger keeps full
 * precision so sums do not drift.
 */
import { roundToStep } from '../../shared/money';
import type { StatusReport } from '../../shared/status';
import type { Connection } from './connection';
import type { Ledger } from './ledger';

/** Float tails are removed from report figures by rounding to this many decimals at most. */
const MAX_DECIMALS = 8;
/** Decimals an average price keeps beyond the tick's (as the paper broker reports averages). */
const AVERAGE_EXTRA_DECIMALS = 4;

/** `x` rounded to `decimals` places (a clean decimal, not 0.30000000000000004). */
function roundTo(x: number, decimals: number): number {
  return roundToStep(x, 10 ** -Math.min(decimals, MAX_DECIMALS));
}

export function statusReport(ledger: Ledger, connections: Iterable<Connection>, now: number): StatusReport {
  /** The instrument's price decimals; an unlisted symbol only loses its float tail. */
  const precision = (connectionId: string, symbol: string): number =>
    ledger.instrument(connectionId, symbol)?.pricePrecision ?? MAX_DECIMALS;
  return {
    connections: [...connections].map((c) => {
      const h = ledger.connectionHealth(c.id) ?? c.health();
      return {
        id: c.id,
        kind: c.kind,
        state: h.state,
        rttMs: h.rttMs,
        lagMs: h.lagMs,
        lastMessageAgeMs: h.lastMessageAt === null ? null : Math.max(0, now - h.lastMessageAt),
        reconnects: h.reconnects,
        capabilities: c.capabilities,
        ...(h.rateLimit === undefined ? {} : { rateLimit: h.rateLimit }),
      };
    }),
    accounts: ledger.accounts().map((a) => ({
      connectionId: a.connectionId,
      accountId: a.accountId,
      equity: roundTo(a.equity, 2),
      dayPnl: roundTo(a.dayPnl, 2),
      verified: a.verified,
    })),
    // A mark may be a mid (half a tick) and an average price is not on the grid at all: they keep
    // the digits that are real, so the report's unrealized P&L still follows from its own qty,
    // avgPrice and last.
    positions: ledger.positions().map((p) => {
      const decimals = precision(p.connectionId, p.symbol);
      return {
        connectionId: p.connectionId,
        accountId: p.accountId,
        symbol: p.symbol,
        qty: p.qty,
        avgPrice: roundTo(p.avgPrice, decimals + AVERAGE_EXTRA_DECIMALS),
        last: p.last === null ? null : roundTo(p.last, decimals + 1),
        unrealizedPnl: roundTo(p.unrealizedPnl, 2),
        realizedPnl: roundTo(p.realizedPnl, 2),
        markSource: p.markSource,
        ...(p.costPartial === true ? { costPartial: true } : {}),
      };
    }),
    orders: ledger.orders().map((o) => {
      const decimals = precision(o.connectionId, o.symbol);
      const price = (x: number): number => roundTo(x, decimals);
      return {
        id: o.id,
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        status: o.status,
        qty: o.qty,
        filledQty: o.filledQty,
        price: o.limitPrice === null ? null : price(o.limitPrice),
        stopPrice: o.stopPrice === null ? null : price(o.stopPrice),
        connectionId: o.connectionId,
        accountId: o.accountId,
        clientOrderId: o.clientOrderId,
        heldBy: o.heldBy,
        listId: o.list?.id ?? null,
        listType: o.list?.type ?? null,
        role: o.list?.role ?? null,
        parentId: o.parentId ?? null,
        siblingIds: o.siblingIds ?? [],
        trail:
          o.trail === undefined
            ? null
            : {
                ...o.trail,
                stopPrice: o.trail.stopPrice === null ? null : price(o.trail.stopPrice),
                peak: o.trail.peak === null ? null : price(o.trail.peak),
              },
        pendingAction: o.pendingAction ?? null,
        placeholder: o.placeholder === true,
        ...(o.rejectReason === null ? {} : { rejectReason: o.rejectReason }),
        createdAt: o.createdAt,
        updatedAt: o.updatedAt,
      };
    }),
    fills: ledger.fills().map((f) => ({
      id: f.id,
      orderId: f.orderId,
      connectionId: f.connectionId,
      accountId: f.accountId,
      symbol: f.symbol,
      side: f.side,
      qty: f.qty,
      price: f.price,
      commission: f.commission,
      ts: f.ts,
      synthetic: f.synthetic === true,
    })),
  };
}

export interface PnlSummary {
  totalPnl: number;
  dayPnl: number;
  unrealizedPnl: number;
  currency: string;
  unverified: boolean;
}

/** For the tray: totals over accounts in the first account's currency. */
export function pnlSummary(ledger: Ledger): PnlSummary {
  const accounts = ledger.accounts();
  const currency = accounts[0]?.currency ?? 'USD';
  let totalPnl = 0;
  let dayPnl = 0;
  let unrealized = 0;
  let unverified = false;
  for (const a of accounts) {
    if (!a.verified) unverified = true;
    // Mixing currencies would be silently wrong; other-currency accounts are flagged instead.
    if (a.currency !== currency) {
      unverified = true;
      continue;
    }
    // A broker that reports positions tells us its P&L, not the fills to derive it from: our
    // realized figure would be missing, so its day P&L (equity change) is the total we know.
    totalPnl += ledger.brokerReportsPnl(a.connectionId, a.accountId)
      ? a.dayPnl
      : a.realizedPnl + a.unrealizedPnl - a.fees;
    dayPnl += a.dayPnl;
    unrealized += a.unrealizedPnl;
  }
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  return { totalPnl: r2(totalPnl), dayPnl: r2(dayPnl), unrealizedPnl: r2(unrealized), currency, unverified };
}
