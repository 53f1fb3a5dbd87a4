/**
 * The order desk: the single door every order goes through — the ticket, close and flatten, and
 * later the protection engine and risk limits, which stand in front of it. It runs the same checks
 * on every path (place and modify alike), gives every intent one client order id, puts a deadline
 * on every broker call, and never answers an ambiguous outcome by sending again: an order whose
 * call timed out or came back "unknown" is shown as unknown and resolved by asking the broker
 * (`lookupOrder`) or by the order appearing on the stream.
 *
 * Orders are named by connection id and broker order id; a broker's answer is an acknowledgement
 * (`OrderAck`), not an order: the ledger only ever holds what the broker reported, plus the desk's
 * clearly marked placeholder row while an answer is outstanding.
 */
import { randomBytes } from 'node:crypto';
import {
  type CancelAllResult,
  fail,
  ok,
  type OrderOrigin,
  type ParsedRequestOf,
  type Result,
} from '../../../shared/contract';
import { type Instrument, type Order, isOrderDone } from '../../../shared/domain';
import { isSameOrderIntent } from '../../../shared/intent';
import { positionKey } from '../../../shared/keys';
import { checkPrice, checkQty } from '../../../shared/orderChecks';
import type { Connection, OrderAck, OrderLookup, PlaceOrder } from '../connection';
import type { Ledger } from '../ledger';
import type { Logger } from '../log';
import { ClientOrderIds } from './clientOrderIds';
import { type Answer, realTimers, type Timers, withDeadline } from './deadline';

type PlaceRequest = ParsedRequestOf<'term:orders.place'>;
type ModifyRequest = ParsedRequestOf<'term:orders.modify'>;
type CancelRequest = ParsedRequestOf<'term:orders.cancel'>;
type PositionRequest = ParsedRequestOf<'term:positions.close'>;

/** How long a broker has to answer an order call before its outcome counts as unknown. */
export const DEFAULT_DEADLINE_MS = 10_000;
/**
 * When to ask the broker about an unknown outcome, in ms after it became unknown. A "not found"
 * before the last step may be an order still in flight at the broker; after the last step it is
 * final (the order was not placed). Lookups that cannot answer repeat at the last interval.
 */
export const DEFAULT_LOOKUP_SCHEDULE_MS: readonly number[] = [500, 1_500, 3_500, 7_500, 15_000, 30_000];
/** The risk limits' "confirm this size" answer (the fat-finger guard): asked, not refused. */
const NEEDS_CONFIRMATION = 'needs_confirmation';
/** The refusal of a hotkey or DOM action on a live account the trader did not allow. */
export const ONE_CLICK_LIVE_OFF = 'one_click_live_off';
/** Settled intents remembered for retries of the same click (oldest forgotten first). */
const MAX_REMEMBERED = 10_000;

export interface OrderDeskOptions {
  ledger: Ledger;
  connection: (id: string) => Connection | undefined;
  logger: Logger;
  now?: () => number;
  ids?: ClientOrderIds;
  timers?: Timers;
  deadlineMs?: number;
  lookupScheduleMs?: readonly number[];
}

/**
 * What stands in front of the desk (risk limits, the kill switch's lock): asked about every new
 * order and every modify, from every path (ticket, close, flatten, protection), after the desk's
 * own checks and before anything reaches a broker. Cancels are never guarded: they only reduce risk.
 */
export interface OrderGuard {
  checkPlace(order: PlaceOrder, req: PlaceRequest): Result<void>;
  checkModify(order: Order, change: { qty?: number; limitPrice?: number; stopPrice?: number }): Result<void>;
}

type IntentState = 'sending' | 'unknown' | 'accepted';

/** One trader intent to place an order, by client order id. */
interface PlaceIntent {
  kind: 'place';
  clientOrderId: string;
  /** As the caller asked (compared with retries). */
  asked: PlaceRequest;
  /** As sent: checked and rounded to the grid. */
  sent: PlaceOrder;
  state: IntentState;
  result: Promise<Result<Order>>;
  lookups: number;
  timer: unknown;
  /** A cancel-all asked for it while its outcome was unknown: cancelled once the broker has it. */
  cancelWhenPlaced?: boolean;
}

/** One modify or cancel, by idempotency key. */
interface ChangeIntent {
  kind: 'modify' | 'cancel';
  key: string;
  connectionId: string;
  orderId: string;
  clientOrderId: string;
  accountId: string;
  state: IntentState;
  result: Promise<Result<Order>>;
  lookups: number;
  timer: unknown;
}

export class OrderDesk {
  private readonly ledger: Ledger;
  private readonly connectionOf: (id: string) => Connection | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly ids: ClientOrderIds;
  private readonly timers: Timers;
  private readonly deadlineMs: number;
  private readonly schedule: readonly number[];
  private readonly intents = new Map<string, PlaceIntent>();
  private readonly changes = new Map<string, ChangeIntent>();
  private readonly unsubscribe: () => void;
  private guard: OrderGuard | null = null;
  /** Whether hotkeys and the DOM may trade live accounts (the trader's saved hotkey setting). */
  private liveOneClick: () => boolean = () => false;

  constructor(opts: OrderDeskOptions) {
    this.ledger = opts.ledger;
    this.connectionOf = opts.connection;
    this.log = opts.logger.child({ component: 'orders' });
    this.now = opts.now ?? Date.now;
    this.ids = opts.ids ?? new ClientOrderIds(this.now);
    this.timers = opts.timers ?? realTimers;
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.schedule = opts.lookupScheduleMs?.length ? opts.lookupScheduleMs : DEFAULT_LOOKUP_SCHEDULE_MS;
    // The broker's stream may report an order before (or instead of) the reply to its call.
    this.unsubscribe = this.ledger.events.on('order', ({ order }) => this.onBrokerOrder(order));
  }

  /** Stops lookups and event handling (engine stop). */
  dispose(): void {
    this.unsubscribe();
    for (const i of [...this.intents.values(), ...this.changes.values()]) this.timers.clearTimeout(i.timer);
  }

  /** Puts risk limits in front of every order path (one guard; a second replaces the first). */
  guardWith(guard: OrderGuard | null): void {
    this.guard = guard;
  }

  /**
   * Where the trader's "hotkeys and one-click orders on live accounts" choice is read (the
   * workspace's saved hotkey settings); until one is given, they are off on live accounts.
   */
  allowLiveOneClickWhen(allowed: () => boolean): void {
    this.liveOneClick = allowed;
  }

  /**
   * Hotkey and DOM actions are one keystroke or click with no confirmation: on a live-mode account
   * they are refused unless the trader turned them on. The ticket, the tables and the chart's
   * confirmed Alt+click are not affected. Every path's origin is asked here, before anything else.
   */
  checkOrigin(
    where: { connectionId: string; accountId: string },
    origin: OrderOrigin | undefined,
  ): Result<void> {
    if (origin !== 'hotkey' && origin !== 'dom') return ok(undefined);
    const mode =
      this.ledger.account(where.connectionId, where.accountId)?.mode ??
      this.connectionOf(where.connectionId)?.mode;
    if (mode !== 'live' || this.liveOneClick()) return ok(undefined);
    return fail(
      ONE_CLICK_LIVE_OFF,
      origin === 'hotkey'
        ? `Trading hotkeys are off for live accounts, so nothing was sent to ${where.accountId}. Turn them on in hotkey settings if you want them there.`
        : `One-click trading from the DOM is off for live accounts, so nothing was sent to ${where.accountId}. Turn it on in hotkey settings (press ?) if you want it there.`,
    );
  }

  /** A fresh client order id for one trader intent. */
  newClientOrderId(): string {
    return this.ids.next();
  }

  // ---------------------------------------------------------------- place

  /**
   * Place an order. With the trader's client order id (one per click, reused by every retry of
   * that click) this is idempotent: a retry never becomes a second order. A retry while the first
   * attempt is in flight waits for it; while its outcome is unknown it sends nothing.
   */
  async place(req: PlaceRequest): Promise<Result<Order>> {
    const id = req.clientOrderId;
    if (id !== undefined) {
      const retried = this.retryOf(id, req);
      if (retried !== null) return retried;
    }
    const origin = this.checkOrigin(req, req.origin);
    if (!origin.ok) {
      this.refused('place', req, origin.error.code, origin.error.message);
      return origin;
    }
    const clientOrderId = id ?? this.ids.next();
    const checked = this.checkPlace(req, clientOrderId);
    if (!checked.ok) {
      // Input the ticket would not send (off tick, unknown symbol): an answer, not an order.
      this.refused('place', req, checked.error.code, checked.error.message);
      return checked;
    }
    const allowed = this.guard?.checkPlace(checked.value.order, req);
    if (allowed !== undefined && !allowed.ok) {
      this.refused('place', req, allowed.error.code, allowed.error.message);
      // A size to confirm is a question to the trader, not a rejection.
      if (allowed.error.code !== NEEDS_CONFIRMATION)
        this.keepRejected(checked.value.conn, checked.value.order, clientOrderId, allowed.error.message);
      return allowed;
    }
    const { conn, order } = checked.value;
    const intent: PlaceIntent = {
      kind: 'place',
      clientOrderId: order.clientOrderId,
      asked: req,
      sent: order,
      state: 'sending',
      result: Promise.resolve(fail('internal', 'not sent')),
      lookups: 0,
      timer: null,
    };
    this.remember(this.intents, order.clientOrderId, intent);
    this.showPlaceholder(conn, intent, 'pending', null);
    intent.result = this.send(conn, intent);
    return intent.result;
  }

  /** The answer for a client order id already used, or null when it is new. */
  private retryOf(id: string, req: PlaceRequest): Promise<Result<Order>> | Result<Order> | null {
    const prior = this.intents.get(id);
    if (prior !== undefined) {
      if (!isSameOrderIntent(prior.asked, req)) {
        this.refused('place', req, 'duplicate_client_order_id', 'reused for a different order');
        return fail(
          'duplicate_client_order_id',
          `Client order id ${id} already belongs to a different order (${describeAsk(prior.asked)}).`,
        );
      }
      if (prior.state === 'sending') return prior.result;
      if (prior.state === 'unknown') return unknownOutcome(prior);
      const placed = this.brokerOrderFor(prior.sent.connectionId, id);
      if (placed !== undefined) return ok(placed);
      return prior.result;
    }
    // Placed before a restart, or by another path: the broker's order is the answer.
    const placed = this.ledger.orderByClientOrderId(id);
    if (placed === undefined || placed.placeholder === true) return null;
    if (sameAsPlaced(placed, req)) return ok(placed);
    this.refused('place', req, 'duplicate_client_order_id', `already order ${placed.id}`);
    return fail(
      'duplicate_client_order_id',
      `Client order id ${id} already belongs to order ${placed.id} (${placed.side} ${placed.qty} ${placed.symbol}).`,
    );
  }

  private checkPlace(
    req: PlaceRequest,
    clientOrderId: string,
  ): Result<{ conn: Connection; order: PlaceOrder }> {
    const conn = this.tradingConnection(req.connectionId);
    if (!conn.ok) return conn;
    const c = conn.value;
    const inst = this.ledger.instrument(req.connectionId, req.symbol);
    if (inst === undefined) return fail('unknown_symbol', `${req.symbol} is not listed on ${c.label}.`);
    if (this.ledger.account(req.connectionId, req.accountId) === undefined)
      return fail('unknown_account', `Account ${req.accountId} does not exist on ${c.label}.`);
    if (req.type === 'trailing_stop' && !c.capabilities.nativeTrailingStop)
      return fail(
        'not_supported',
        `${c.label} cannot hold trailing stops at the broker: place it as protection (protection.place), which the terminal manages.`,
      );
    const grid = this.checkGrid(inst, req);
    if (!grid.ok) return grid;
    const { clientOrderId: _asked, confirmLarge: _confirmed, origin: _origin, ...rest } = req;
    return ok({ conn: c, order: { ...rest, ...grid.value, clientOrderId } });
  }

  /** Quantity and every price on the instrument's grid, rounded to it. */
  private checkGrid(
    inst: Instrument,
    v: Pick<PlaceRequest, 'qty' | 'limitPrice' | 'stopPrice' | 'trail'>,
  ): Result<Pick<PlaceRequest, 'qty' | 'limitPrice' | 'stopPrice' | 'trail'>> {
    const qty = checkQty(inst, v.qty);
    if (!qty.ok) return qty;
    const out: Pick<PlaceRequest, 'qty' | 'limitPrice' | 'stopPrice' | 'trail'> = { qty: qty.value };
    if (v.limitPrice !== undefined) {
      const r = checkPrice(inst, 'Limit price', v.limitPrice);
      if (!r.ok) return r;
      out.limitPrice = r.value;
    }
    if (v.stopPrice !== undefined) {
      const r = checkPrice(inst, 'Stop price', v.stopPrice);
      if (!r.ok) return r;
      out.stopPrice = r.value;
    }
    if (v.trail !== undefined) {
      let { offset, activationPrice } = v.trail;
      if (v.trail.by === 'amount') {
        const r = checkPrice(inst, 'Trailing amount', offset);
        if (!r.ok) return r;
        offset = r.value;
      } else if (v.trail.by === 'ticks' && !Number.isInteger(offset))
        return fail('bad_trail', `A trail of ${offset} ticks is not a whole number of ticks.`);
      else if (v.trail.by === 'percent' && offset >= 100)
        return fail('bad_trail', `A trail of ${offset} % would put the stop at or below zero.`);
      if (activationPrice !== null) {
        const r = checkPrice(inst, 'Activation price', activationPrice);
        if (!r.ok) return r;
        activationPrice = r.value;
      }
      out.trail = { ...v.trail, offset, activationPrice };
    }
    return ok(out);
  }

  private async send(conn: Connection, intent: PlaceIntent): Promise<Result<Order>> {
    const o = intent.sent;
    this.log.info(
      {
        connectionId: o.connectionId,
        clientOrderId: o.clientOrderId,
        accountId: o.accountId,
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        qty: o.qty,
        limitPrice: o.limitPrice,
        stopPrice: o.stopPrice,
        trail: o.trail,
        tif: o.tif,
        origin: intent.asked.origin ?? 'ticket',
      },
      'place order',
    );
    const answer = await withDeadline(
      () => conn.placeOrder(o),
      this.deadlineMs,
      this.timers,
      (late) => this.onLatePlaceAnswer(conn, intent, late),
    );
    if (answer.kind === 'answered' && answer.value.status === 'accepted')
      return this.placed(intent, answer.value.brokerOrderId, answer.value.order);
    if (answer.kind === 'answered' && answer.value.status === 'rejected') {
      const { code, reason } = answer.value;
      this.intents.delete(intent.clientOrderId);
      // Kept in the orders history with the broker's reason, unless its stream already reported
      // the rejected order under its own id (then that row is the one kept).
      if (this.brokerOrderFor(o.connectionId, o.clientOrderId) === undefined)
        this.showPlaceholder(conn, intent, 'rejected', reason);
      else this.ledger.forgetOrder(o.connectionId, o.clientOrderId);
      this.log.info(
        { connectionId: o.connectionId, clientOrderId: o.clientOrderId, code, reason },
        'order rejected',
      );
      return fail(code, reason);
    }
    // No clear answer: the order may exist. Show it as unknown and ask, never re-send.
    intent.state = 'unknown';
    const why = reasonOf(answer, this.deadlineMs);
    this.showPlaceholder(conn, intent, 'unknown', why);
    this.log.warn(
      { connectionId: o.connectionId, clientOrderId: o.clientOrderId, reason: why },
      'order outcome unknown: resolving by lookup',
    );
    this.scheduleLookup(intent);
    return unknownOutcome(intent);
  }

  /** The broker accepted: its order replaces the placeholder. */
  private placed(intent: PlaceIntent, brokerOrderId: string, reported?: Order): Result<Order> {
    const o = intent.sent;
    intent.state = 'accepted';
    this.timers.clearTimeout(intent.timer);
    // The placeholder goes first: a broker whose order id is our client order id would otherwise
    // report a version the placeholder already "has".
    this.ledger.forgetOrder(o.connectionId, o.clientOrderId);
    if (reported !== undefined) this.ledger.apply(o.connectionId, { type: 'order', order: reported });
    else if (this.ledger.order(o.connectionId, brokerOrderId) === undefined)
      this.ledger.apply(o.connectionId, { type: 'order', order: this.acknowledged(intent, brokerOrderId) });
    const order =
      this.ledger.order(o.connectionId, brokerOrderId) ?? this.acknowledged(intent, brokerOrderId);
    this.log.info(
      {
        connectionId: o.connectionId,
        clientOrderId: o.clientOrderId,
        orderId: brokerOrderId,
        status: order.status,
      },
      'order accepted',
    );
    if (intent.cancelWhenPlaced === true) {
      intent.cancelWhenPlaced = false;
      if (!isOrderDone(order.status)) void this.cancelPromised(o.connectionId, brokerOrderId);
    }
    return ok(order);
  }

  /**
   * The broker gave its id but not its view of the order: it is shown as acknowledged ("pending")
   * from what was sent until the broker's stream reports it.
   */
  private acknowledged(intent: PlaceIntent, brokerOrderId: string): Order {
    return { ...this.orderFrom(intent, 'pending', null), id: brokerOrderId };
  }

  private orderFrom(
    intent: PlaceIntent,
    status: 'pending' | 'unknown' | 'rejected',
    reason: string | null,
  ): Order {
    const o = intent.sent;
    return deskRow(o, o.clientOrderId, this.connectionOf(o.connectionId)?.heldBy, status, reason, this.now());
  }

  /** The desk's row for an order whose answer is outstanding (replaces an earlier one of the id). */
  private showPlaceholder(
    conn: Connection,
    intent: PlaceIntent,
    status: 'pending' | 'unknown' | 'rejected',
    reason: string | null,
  ): void {
    const o = intent.sent;
    const existing = this.ledger.order(o.connectionId, o.clientOrderId);
    if (existing !== undefined && existing.placeholder !== true) return;
    const row: Order = { ...this.orderFrom(intent, status, reason), placeholder: true };
    if (existing !== undefined) row.createdAt = existing.createdAt;
    // A finished row never changes again in the ledger: replace it rather than update it.
    if (existing !== undefined && isOrderDone(existing.status))
      this.ledger.forgetOrder(o.connectionId, o.clientOrderId);
    this.ledger.apply(conn.id, { type: 'order', order: row });
  }

  private onLatePlaceAnswer(conn: Connection, intent: PlaceIntent, late: Answer<OrderAck>): void {
    if (intent.state !== 'unknown' || late.kind !== 'answered') return;
    const ack = late.value;
    this.log.info(
      { connectionId: conn.id, clientOrderId: intent.clientOrderId, status: ack.status },
      'late answer to an order call',
    );
    if (ack.status === 'accepted') this.placed(intent, ack.brokerOrderId, ack.order);
    else if (ack.status === 'rejected') this.notPlaced(conn, intent, `Rejected by the broker: ${ack.reason}`);
  }

  /** The cancel a cancel-all promised for an order it found still being placed. */
  private async cancelPromised(connectionId: string, orderId: string): Promise<void> {
    const r = await this.cancel({ connectionId, orderId });
    if (r.ok || r.error.code === 'order_done')
      this.log.info({ connectionId, orderId }, 'cancel-all: order cancelled once acknowledged');
    else
      this.log.warn(
        { connectionId, orderId, code: r.error.code, reason: r.error.message },
        'cancel-all: order acknowledged late could not be cancelled',
      );
  }

  /** Definitely not placed: the row says why, and the trader may place it again. */
  private notPlaced(conn: Connection, intent: PlaceIntent, reason: string): void {
    this.timers.clearTimeout(intent.timer);
    this.intents.delete(intent.clientOrderId);
    intent.state = 'accepted';
    this.showPlaceholder(conn, intent, 'rejected', reason);
    this.log.warn(
      { connectionId: conn.id, clientOrderId: intent.clientOrderId, reason },
      'order outcome resolved: not placed',
    );
  }

  // ---------------------------------------------------------------- resolving unknown outcomes

  private scheduleLookup(intent: PlaceIntent | ChangeIntent): void {
    const step = this.schedule[Math.min(intent.lookups, this.schedule.length - 1)] ?? 1_000;
    const prev = this.schedule[Math.min(intent.lookups, this.schedule.length) - 1] ?? 0;
    const delay = intent.lookups < this.schedule.length ? Math.max(0, step - prev) : step;
    this.timers.clearTimeout(intent.timer);
    intent.timer = this.timers.setTimeout(() => void this.lookup(intent), delay);
  }

  private async lookup(intent: PlaceIntent | ChangeIntent): Promise<void> {
    if (intent.state !== 'unknown') return;
    const connectionId = intent.kind === 'place' ? intent.sent.connectionId : intent.connectionId;
    const accountId = intent.kind === 'place' ? intent.sent.accountId : intent.accountId;
    const conn = this.connectionOf(connectionId);
    intent.lookups++;
    let found: OrderLookup = { status: 'unknown', reason: 'the connection is gone' };
    if (conn !== undefined && conn.health().state === 'live') {
      const answer = await withDeadline(
        () => conn.lookupOrder(intent.clientOrderId, accountId),
        this.deadlineMs,
        this.timers,
      );
      found =
        answer.kind === 'answered'
          ? answer.value
          : { status: 'unknown', reason: reasonOf(answer, this.deadlineMs) };
    } else if (conn !== undefined) found = { status: 'unknown', reason: `${conn.label} is not live` };
    if (intent.state !== 'unknown') return; // resolved by the stream meanwhile
    this.log.info(
      { connectionId, clientOrderId: intent.clientOrderId, attempt: intent.lookups, result: found.status },
      'order lookup',
    );
    if (intent.kind === 'place') {
      if (found.status === 'found') {
        this.placed(intent, found.order.id, found.order);
        return;
      }
      if (found.status === 'not_found' && intent.lookups >= this.schedule.length && conn !== undefined) {
        this.notPlaced(
          conn,
          intent,
          `Not placed: ${conn.label} has no record of it ${Math.round((this.schedule.at(-1) ?? 0) / 1000)} s after the call went unanswered.`,
        );
        return;
      }
    } else if (found.status !== 'unknown') {
      // The broker's view of the order settles the change either way.
      if (found.status === 'found') this.ledger.apply(connectionId, { type: 'order', order: found.order });
      this.settleChange(intent);
      return;
    }
    this.scheduleLookup(intent);
  }

  /** An order reported by the broker: it resolves an outstanding intent with its client order id. */
  private onBrokerOrder(order: Order): void {
    if (order.placeholder === true || order.clientOrderId === '') return;
    const kept = this.ledger.order(order.connectionId, order.clientOrderId);
    if (kept?.placeholder === true && kept.status === 'rejected' && order.id !== order.clientOrderId)
      // The broker reported the rejected order itself: one row, the broker's.
      this.ledger.forgetOrder(order.connectionId, order.clientOrderId);
    const intent = this.intents.get(order.clientOrderId);
    if (intent === undefined || intent.sent.connectionId !== order.connectionId) return;
    if (intent.state === 'unknown') {
      this.log.info(
        { connectionId: order.connectionId, clientOrderId: order.clientOrderId, orderId: order.id },
        'order outcome resolved by the stream',
      );
      this.placed(intent, order.id);
    } else if (intent.state === 'sending' && order.id !== intent.clientOrderId)
      // Reported before the reply: one row, the broker's.
      this.ledger.forgetOrder(order.connectionId, intent.clientOrderId);
  }

  // ---------------------------------------------------------------- modify and cancel

  /** Modify a working order's quantity or prices, with the same checks as placing it. */
  async modify(req: ModifyRequest): Promise<Result<Order>> {
    const key = req.idempotencyKey ?? this.newKey();
    const prior = this.changeRetry(key, 'modify', req);
    if (prior !== null) return prior;
    const target = this.changeTarget(req.connectionId, req.orderId, 'modified');
    if (!target.ok) return this.refusedChange('modify', req, target);
    const { conn, order } = target.value;
    const origin = this.checkOrigin(order, req.origin);
    if (!origin.ok) return this.refusedChange('modify', req, origin);
    if (!conn.capabilities.modify)
      return this.refusedChange(
        'modify',
        req,
        fail(
          'not_supported',
          `${conn.label} cannot modify orders in place: cancel the order and place a new one.`,
        ),
      );
    const change = this.checkModify(order, req);
    if (!change.ok) return this.refusedChange('modify', req, change);
    const allowed = this.guard?.checkModify(order, change.value);
    if (allowed !== undefined && !allowed.ok) return this.refusedChange('modify', req, allowed);
    const intent = this.startChange('modify', key, order);
    this.log.info(
      {
        connectionId: order.connectionId,
        orderId: order.id,
        clientOrderId: order.clientOrderId,
        idempotencyKey: key,
        before: { qty: order.qty, limitPrice: order.limitPrice, stopPrice: order.stopPrice },
        after: change.value,
        origin: req.origin ?? 'ticket',
      },
      'modify order',
    );
    this.ledger.setPendingAction(order.connectionId, order.id, 'replace');
    intent.result = this.sendChange(intent, () =>
      conn.modifyOrder(order, { ...change.value, idempotencyKey: key }),
    );
    return intent.result;
  }

  /** Cancel a working order. */
  async cancel(req: CancelRequest): Promise<Result<Order>> {
    const key = req.idempotencyKey ?? this.newKey();
    const prior = this.changeRetry(key, 'cancel', req);
    if (prior !== null) return prior;
    const target = this.changeTarget(req.connectionId, req.orderId, 'cancelled');
    if (!target.ok) return this.refusedChange('cancel', req, target);
    const { conn, order } = target.value;
    const origin = this.checkOrigin(order, req.origin);
    if (!origin.ok) return this.refusedChange('cancel', req, origin);
    const intent = this.startChange('cancel', key, order);
    this.log.info(
      {
        connectionId: order.connectionId,
        orderId: order.id,
        clientOrderId: order.clientOrderId,
        idempotencyKey: key,
        origin: req.origin ?? 'ticket',
      },
      'cancel order',
    );
    this.ledger.setPendingAction(order.connectionId, order.id, 'cancel');
    intent.result = this.sendChange(intent, () => conn.cancelOrder(order, { idempotencyKey: key }));
    return intent.result;
  }

  private changeRetry(
    key: string,
    kind: 'modify' | 'cancel',
    req: { connectionId: string; orderId: string },
  ): Promise<Result<Order>> | Result<Order> | null {
    const prior = this.changes.get(key);
    if (prior === undefined) return null;
    if (prior.kind !== kind || prior.connectionId !== req.connectionId || prior.orderId !== req.orderId)
      return fail('duplicate_idempotency_key', `Idempotency key ${key} already belongs to another request.`);
    if (prior.state === 'unknown')
      return fail(
        'outcome_unknown',
        `The broker has not answered the earlier ${kind} of order ${prior.orderId}; it is shown as pending until the broker confirms the order's state. Nothing was sent again.`,
      );
    return prior.result;
  }

  private changeTarget(
    connectionId: string,
    orderId: string,
    verb: string,
  ): Result<{ conn: Connection; order: Order }> {
    const order = this.ledger.order(connectionId, orderId);
    if (order === undefined) return fail('not_found', `Order ${orderId} is not known on ${connectionId}.`);
    if (order.placeholder === true)
      return fail(
        'outcome_unknown',
        `Order ${orderId} has not been confirmed by the broker yet, so it can't be ${verb}.`,
      );
    if (isOrderDone(order.status))
      return fail('order_done', `Order ${order.id} is already ${order.status}; it can't be ${verb}.`);
    for (const c of this.changes.values())
      if (c.connectionId === connectionId && c.orderId === orderId && c.state !== 'accepted')
        return fail(
          'change_pending',
          `An earlier ${c.kind} of order ${orderId} is still waiting for the broker's answer.`,
        );
    const conn = this.tradingConnection(connectionId);
    if (!conn.ok) return conn;
    return ok({ conn: conn.value, order });
  }

  private checkModify(
    order: Order,
    req: ModifyRequest,
  ): Result<{ qty?: number; limitPrice?: number; stopPrice?: number }> {
    const hasLimit = order.type === 'limit' || order.type === 'stop_limit';
    const hasStop = order.type === 'stop' || order.type === 'stop_limit';
    if (req.limitPrice !== undefined && !hasLimit)
      return fail('invalid_request', `A ${order.type} order has no limit price to change.`);
    if (req.stopPrice !== undefined && !hasStop)
      return fail('invalid_request', `A ${order.type} order has no stop price to change.`);
    const inst = this.ledger.instrument(order.connectionId, order.symbol);
    if (inst === undefined)
      return fail('unknown_symbol', `${order.symbol} is not listed on ${order.connectionId}.`);
    const grid = this.checkGrid(inst, {
      qty: req.qty ?? order.qty,
      limitPrice: req.limitPrice,
      stopPrice: req.stopPrice,
    });
    if (!grid.ok) return grid;
    const out: { qty?: number; limitPrice?: number; stopPrice?: number } = {};
    if (req.qty !== undefined) {
      if (grid.value.qty <= order.filledQty)
        return fail('bad_qty', `Quantity must stay above the ${order.filledQty} already filled.`);
      if (grid.value.qty !== order.qty) out.qty = grid.value.qty;
    }
    if (grid.value.limitPrice !== undefined && grid.value.limitPrice !== order.limitPrice)
      out.limitPrice = grid.value.limitPrice;
    if (grid.value.stopPrice !== undefined && grid.value.stopPrice !== order.stopPrice)
      out.stopPrice = grid.value.stopPrice;
    if (Object.keys(out).length === 0)
      return fail('no_change', `Order ${order.id} already has these values.`);
    return ok(out);
  }

  private startChange(kind: 'modify' | 'cancel', key: string, order: Order): ChangeIntent {
    const intent: ChangeIntent = {
      kind,
      key,
      connectionId: order.connectionId,
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      accountId: order.accountId,
      state: 'sending',
      result: Promise.resolve(fail('internal', 'not sent')),
      lookups: 0,
      timer: null,
    };
    this.remember(this.changes, key, intent);
    return intent;
  }

  private async sendChange(intent: ChangeIntent, call: () => Promise<OrderAck>): Promise<Result<Order>> {
    const { connectionId, orderId } = intent;
    const answer = await withDeadline(call, this.deadlineMs, this.timers, (late) => {
      if (intent.state !== 'unknown' || late.kind !== 'answered') return;
      if (late.value.status === 'accepted' && late.value.order !== undefined)
        this.ledger.apply(connectionId, { type: 'order', order: late.value.order });
      this.settleChange(intent);
    });
    if (answer.kind === 'answered' && answer.value.status === 'accepted') {
      const reported = answer.value.order;
      intent.state = 'accepted';
      if (reported !== undefined) {
        this.ledger.apply(connectionId, { type: 'order', order: reported });
        this.ledger.setPendingAction(connectionId, orderId, null);
      }
      // Without the broker's view the order stays "pending" until its stream reports it.
      this.log.info({ connectionId, orderId, idempotencyKey: intent.key }, `${intent.kind} accepted`);
      const now = this.ledger.order(connectionId, orderId);
      return now === undefined ? fail('not_found', `Order ${orderId} is gone.`) : ok(now);
    }
    if (answer.kind === 'answered' && answer.value.status === 'rejected') {
      intent.state = 'accepted';
      this.ledger.setPendingAction(connectionId, orderId, null);
      const { code, reason } = answer.value;
      this.log.info(
        { connectionId, orderId, idempotencyKey: intent.key, code, reason },
        `${intent.kind} rejected`,
      );
      return fail(code, reason);
    }
    intent.state = 'unknown';
    const why = reasonOf(answer, this.deadlineMs);
    this.log.warn(
      { connectionId, orderId, idempotencyKey: intent.key, reason: why },
      `${intent.kind} outcome unknown`,
    );
    this.scheduleLookup(intent);
    return fail(
      'outcome_unknown',
      `The broker did not answer the ${intent.kind} of order ${orderId} (${why}); it is shown as pending until the broker confirms the order's state. Nothing will be sent again.`,
    );
  }

  private settleChange(intent: ChangeIntent): void {
    intent.state = 'accepted';
    this.timers.clearTimeout(intent.timer);
    this.ledger.setPendingAction(intent.connectionId, intent.orderId, null);
  }

  // ---------------------------------------------------------------- close and flatten

  /**
   * Close the position at market. With `cancelWorking` the symbol's working orders are cancelled
   * first, exactly as flatten does; without, they stay working (and may re-open the position).
   */
  async close(req: PositionRequest): Promise<Result<Order[]>> {
    const origin = this.checkOrigin(req, req.origin);
    if (!origin.ok) return origin;
    const p = this.ledger.position(positionKey(req.connectionId, req.accountId, req.symbol));
    if (p === undefined || p.qty === 0) return fail('flat', `There is no ${req.symbol} position to close.`);
    if (req.cancelWorking === true) return this.flatten(req);
    const r = await this.place(closingOrder(req, p.qty));
    return r.ok ? ok([r.value]) : r;
  }

  /**
   * Cancel every working order on the symbol (stops and targets included), then close what is
   * left of the position at market: cancelling first means no resting order can re-open the
   * position after it was closed. Returns the orders touched, cancels first.
   */
  async flatten(req: PositionRequest): Promise<Result<Order[]>> {
    const origin = this.checkOrigin(req, req.origin);
    if (!origin.ok) return origin;
    const conn = this.tradingConnection(req.connectionId);
    if (!conn.ok) return conn;
    const cancelled = await this.cancelWorkingOn(req, 'position was not closed');
    if (!cancelled.ok) return cancelled;
    const touched = cancelled.value;
    const p = this.ledger.position(positionKey(req.connectionId, req.accountId, req.symbol));
    if (p !== undefined && p.qty !== 0) {
      const r = await this.place(closingOrder(req, p.qty));
      if (!r.ok)
        return fail(
          r.error.code,
          `${touched.length} working order(s) cancelled, but the ${req.symbol} position was not closed: ${r.error.message}`,
        );
      touched.push(r.value);
    }
    return ok(touched);
  }

  /**
   * Cancels the symbol's working orders one by one; the first that cannot be cancelled stops
   * there (`outcome` says what was then not done). An order that finished meanwhile (the stop
   * filled) is not a failure: its fills are in the position.
   */
  private async cancelWorkingOn(req: PositionRequest, outcome: string): Promise<Result<Order[]>> {
    const touched: Order[] = [];
    for (const o of this.workingOn(req)) {
      const r = await this.cancel({ connectionId: o.connectionId, orderId: o.id });
      if (r.ok) touched.push(r.value);
      else if (r.error.code !== 'order_done')
        return fail(
          'flatten_incomplete',
          `Could not cancel order ${o.id} (${r.error.message}), so the ${req.symbol} ${outcome}${touched.length > 0 ? `; cancelled before that: ${touched.map((x) => x.id).join(', ')}` : ''}.`,
        );
    }
    return ok(touched);
  }

  /**
   * Cancel every working order of one account on one symbol. Each cancel runs through `cancel`
   * (same checks, same idempotency), and each outcome is reported: one refusal does not stop the
   * others, and an order that finished meanwhile is neither cancelled nor a failure. Orders still
   * being placed are included: one whose answer is on the way is cancelled once it arrives; one
   * whose outcome is unknown is reported as pending and cancelled when the broker confirms it.
   */
  async cancelAll(req: PositionRequest): Promise<Result<CancelAllResult>> {
    const origin = this.checkOrigin(req, req.origin);
    if (!origin.ok) return origin;
    const conn = this.tradingConnection(req.connectionId);
    if (!conn.ok) return conn;
    const working = this.workingOn(req);
    const seen = new Set(working.map((o) => o.clientOrderId));
    const inFlight = [...this.intents.values()].filter(
      (i) =>
        (i.state === 'sending' || i.state === 'unknown') &&
        i.sent.connectionId === req.connectionId &&
        i.sent.accountId === req.accountId &&
        i.sent.symbol === req.symbol &&
        !seen.has(i.clientOrderId),
    );
    const [results, late] = await Promise.all([
      Promise.all(working.map((o) => this.cancel({ connectionId: o.connectionId, orderId: o.id }))),
      Promise.all(inFlight.map((i) => this.cancelInFlight(i))),
    ]);
    const cancelled: Order[] = [];
    const failed: CancelAllResult['failed'] = [];
    const pending: NonNullable<CancelAllResult['pending']> = [];
    results.forEach((r, i) => {
      const o = working[i] as Order;
      if (r.ok) cancelled.push(r.value);
      else if (r.error.code !== 'order_done') failed.push({ orderId: o.id, message: r.error.message });
    });
    for (const l of late) {
      if (l.kind === 'cancelled') cancelled.push(l.order);
      else if (l.kind === 'failed') failed.push({ orderId: l.orderId, message: l.message });
      else if (l.kind === 'pending') pending.push({ clientOrderId: l.clientOrderId, message: l.message });
    }
    return ok({ cancelled, failed, ...(pending.length > 0 ? { pending } : {}) });
  }

  /** One order still being placed, for a cancel-all: cancelled once acknowledged, or promised. */
  private async cancelInFlight(
    intent: PlaceIntent,
  ): Promise<
    | { kind: 'cancelled'; order: Order }
    | { kind: 'failed'; orderId: string; message: string }
    | { kind: 'pending'; clientOrderId: string; message: string }
    | { kind: 'none' }
  > {
    const { connectionId, clientOrderId } = intent.sent;
    // The answer is on the way (the call has its deadline): wait for it.
    if (intent.state === 'sending') await intent.result;
    if (intent.state === 'unknown') {
      intent.cancelWhenPlaced = true;
      this.log.info({ connectionId, clientOrderId }, 'cancel-all: order outcome unknown, cancel promised');
      return {
        kind: 'pending',
        clientOrderId,
        message: `Order ${clientOrderId} (${describeAsk(intent.asked)}) is still being placed — it will be cancelled when the broker acknowledges it.`,
      };
    }
    const placed = this.brokerOrderFor(connectionId, clientOrderId);
    if (placed === undefined || isOrderDone(placed.status)) return { kind: 'none' };
    const r = await this.cancel({ connectionId, orderId: placed.id });
    if (r.ok) return { kind: 'cancelled', order: r.value };
    if (r.error.code === 'order_done') return { kind: 'none' };
    return { kind: 'failed', orderId: placed.id, message: r.error.message };
  }

  /**
   * Reverse the position: cancel the symbol's working orders first (the old side's stop and
   * target would otherwise add to the new position), then one market order of twice what is
   * left, so long 2 becomes short 2 with no moment flat in between. A cancel that fails stops it
   * before anything is sent. The same checks and guards as any order apply. Returns the cancels,
   * then the reversing order.
   */
  async reverse(req: PositionRequest): Promise<Result<Order[]>> {
    const origin = this.checkOrigin(req, req.origin);
    if (!origin.ok) return origin;
    const key = positionKey(req.connectionId, req.accountId, req.symbol);
    const p = this.ledger.position(key);
    if (p === undefined || p.qty === 0) return fail('flat', `There is no ${req.symbol} position to reverse.`);
    const conn = this.tradingConnection(req.connectionId);
    if (!conn.ok) return conn;
    const cancelled = await this.cancelWorkingOn(req, 'position was not reversed');
    if (!cancelled.ok) return fail('reverse_incomplete', cancelled.error.message);
    const touched = cancelled.value;
    // An exit may have filled while it was being cancelled: reverse what is held now.
    const now = this.ledger.position(key)?.qty ?? 0;
    if (now === 0)
      return fail(
        'flat',
        `The ${req.symbol} position closed while its working orders were being cancelled; nothing was reversed.`,
      );
    const close = closingOrder(req, now);
    const r = await this.place({ ...close, qty: close.qty * 2 });
    if (!r.ok)
      return touched.length === 0
        ? r
        : fail(
            r.error.code,
            `${touched.length} working order(s) cancelled, but the ${req.symbol} position was not reversed: ${r.error.message}`,
          );
    return ok([...touched, r.value]);
  }

  // ---------------------------------------------------------------- shared

  /** The working orders (not placeholders) of one account on one symbol. */
  private workingOn(where: PositionRequest): Order[] {
    return this.ledger
      .orders()
      .filter(
        (o) =>
          o.connectionId === where.connectionId &&
          o.accountId === where.accountId &&
          o.symbol === where.symbol &&
          o.placeholder !== true &&
          !isOrderDone(o.status),
      );
  }

  /**
   * The connection, when it can take orders now: known, trading, live. Callers that clear a
   * symbol (protection first, then orders) ask this before touching anything.
   */
  tradingConnection(connectionId: string): Result<Connection> {
    const c = this.connectionOf(connectionId);
    if (c === undefined) return fail('not_found', `There is no connection named "${connectionId}".`);
    if (!c.capabilities.trading)
      return fail('read_only', `${c.label} is read-only: orders can't be sent through it.`);
    const state = c.health().state;
    if (state !== 'live')
      return fail(
        'not_connected',
        `${c.label} is ${state}, not live: orders can't be sent until it reconnects.`,
      );
    return ok(c);
  }

  /** The broker's order (not the desk's placeholder) for a client order id. */
  private brokerOrderFor(connectionId: string, clientOrderId: string): Order | undefined {
    const o = this.ledger.orderByClientOrderId(clientOrderId);
    return o !== undefined && o.connectionId === connectionId && o.placeholder !== true ? o : undefined;
  }

  private refused(what: string, req: object, code: string, reason: string): void {
    this.log.info({ ...req, code, reason }, `${what} refused`);
  }

  /**
   * An order the risk limits refused before it reached the broker stays in the orders history as
   * rejected, with the reason and time, like one the broker refused.
   */
  private keepRejected(conn: Connection, req: PlaceOrder, clientOrderId: string, reason: string): void {
    const existing = this.ledger.order(req.connectionId, clientOrderId);
    if (existing !== undefined && existing.placeholder !== true) return;
    if (existing !== undefined) this.ledger.forgetOrder(req.connectionId, clientOrderId);
    this.ledger.apply(conn.id, {
      type: 'order',
      order: {
        ...deskRow(req, clientOrderId, conn.heldBy, 'rejected', reason, this.now()),
        placeholder: true,
      },
    });
  }

  private refusedChange(what: string, req: object, r: Result<unknown>): Result<Order> {
    if (r.ok) return fail('internal', 'not a refusal');
    this.refused(what, req, r.error.code, r.error.message);
    return fail(r.error.code, r.error.message);
  }

  private newKey(): string {
    return `k${randomBytes(9).toString('base64url')}`;
  }

  private remember<T extends { state: IntentState }>(map: Map<string, T>, key: string, value: T): void {
    map.set(key, value);
    if (map.size <= MAX_REMEMBERED) return;
    for (const [k, v] of map) {
      if (map.size <= MAX_REMEMBERED) break;
      if (v.state === 'accepted') map.delete(k);
    }
  }
}

function unknownOutcome(intent: PlaceIntent): Result<Order> {
  return fail(
    'outcome_unknown',
    `The broker has not confirmed order ${intent.clientOrderId} (${describeAsk(intent.asked)}); it is shown as unknown while the terminal asks the broker about it. Nothing was sent again.`,
  );
}

function describeAsk(r: PlaceRequest): string {
  const price = r.limitPrice ?? r.stopPrice;
  return `${r.side} ${r.qty} ${r.symbol} ${r.type.replace('_', ' ')}${price === undefined ? '' : ` @ ${price}`}`;
}

function reasonOf(answer: Answer<OrderAck | OrderLookup>, deadlineMs: number): string {
  if (answer.kind === 'timeout') return `no answer within ${Math.round(deadlineMs / 100) / 10} s`;
  if (answer.kind === 'threw')
    return answer.error instanceof Error ? answer.error.message : String(answer.error);
  return answer.value.status === 'unknown' ? answer.value.reason : answer.value.status;
}

/**
 * An order placed under the id (before a restart) matches a retry when it is the same order as
 * placed: its price or quantity may since have been modified, but only by this desk.
 */
function sameAsPlaced(o: Order, req: PlaceRequest): boolean {
  return (
    o.connectionId === req.connectionId &&
    o.accountId === req.accountId &&
    o.symbol === req.symbol &&
    o.side === req.side &&
    o.type === req.type
  );
}

/** The market order that takes a signed position back to flat. */
function closingOrder(where: PositionRequest, positionQty: number): PlaceRequest {
  return {
    connectionId: where.connectionId,
    accountId: where.accountId,
    symbol: where.symbol,
    side: positionQty > 0 ? 'sell' : 'buy',
    type: 'market',
    qty: Math.abs(positionQty),
    tif: 'day',
  };
}

/** The desk's own row for an order as sent (a placeholder, or a refusal kept in the history). */
function deskRow(
  o: PlaceOrder,
  clientOrderId: string,
  heldBy: Order['heldBy'] | undefined,
  status: 'pending' | 'unknown' | 'rejected',
  reason: string | null,
  t: number,
): Order {
  return {
    id: clientOrderId,
    clientOrderId,
    connectionId: o.connectionId,
    accountId: o.accountId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    tif: o.tif,
    qty: o.qty,
    filledQty: 0,
    avgFillPrice: null,
    limitPrice: o.limitPrice ?? null,
    stopPrice: o.stopPrice ?? null,
    status,
    rejectReason: reason,
    heldBy: heldBy ?? 'broker',
    createdAt: t,
    updatedAt: t,
    ...(o.trail === undefined
      ? {}
      : { trail: { ...o.trail, stopPrice: null, peak: null, activated: o.trail.activationPrice === null } }),
  };
}
