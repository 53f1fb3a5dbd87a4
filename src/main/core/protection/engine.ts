/**
 * The protection engine: OCO pairs, brackets and trailing stops. It stands in front of the order
 * desk (every child order goes through the desk's one door, with a client order id derived from
 * the protection's id) and follows the ledger's domain events.
 *
 * Native first: when the connection's capabilities say the broker can hold the list or the
 * trailing stop, it is placed there and the broker does the rest. Otherwise the terminal manages
 * it — and says so on every order (`heldBy: 'terminal'`): it cancels the sibling when a leg
 * fills, resizes it after a partial fill, flattens the overfill when both legs fill in a race,
 * sizes a bracket's exits to what the entry actually filled, and ratchets a trailing stop that is
 * a real stop order resting at the broker (closing the app leaves the last stop in place).
 *
 * Crash safety: every decision is journaled before the broker call; the state itself is derived
 * from the ledger (the broker's truth) each time, so evaluation is idempotent; after a restart a
 * protection resumes only once its connection's accounts are verified (the ledger reconciled).
 */
import {
  fail,
  ok,
  type ParsedProtectionRequest,
  type Result,
  type ProtectionView,
} from '../../../shared/contract';
import {
  type HeldBy,
  type Instrument,
  type Order,
  type OrderListType,
  type OrderRole,
  type Side,
  type TrailingState,
  isOrderDone,
} from '../../../shared/domain';
import { checkPrice } from '../../../shared/orderChecks';
import type { Connection, PlaceOrder } from '../connection';
import type { Ledger } from '../ledger';
import type { Logger } from '../log';
import { childClientOrderId } from '../orders/clientOrderIds';
import { type Timers, realTimers, withDeadline } from '../orders/deadline';
import type { OrderDesk } from '../orders/desk';
import type { IntentJournal, JournalContents } from './journal';
import { activates, isRatchet, nextPeak, stopFor } from './trailing';

type Kind = ParsedProtectionRequest['kind'];
type PlaceRequest = Parameters<OrderDesk['place']>[0];

/** Child roles, as client-order-id suffixes (`childClientOrderId(id, role)`). */
const ROLES = {
  oco: ['l1', 'l2'],
  bracket: ['en', 'tp', 'sl'],
  trailing: ['ts'],
} as const satisfies Record<Kind, readonly string[]>;
/** The market order that takes back an overfill (both OCO legs filled in a race). */
const OVERFILL_ROLE = 'fx';

const LIST_ROLE: Record<string, OrderRole> = { l1: 'leg', l2: 'leg', en: 'entry', tp: 'target', sl: 'stop' };

interface Protection {
  id: string;
  req: ParsedProtectionRequest;
  heldBy: HeldBy;
  status: 'active' | 'done' | 'failed';
  note: string | null;
  /** Terminal-managed: the engine watches and acts; native: the broker does. */
  managed: boolean;
  /** After a restart: false until the connection's ledger reconciled (then lookups, then act). */
  resumed: boolean;
  /** Client order ids of broker calls journaled before a restart (looked up on resume). */
  journaledPlaces: Set<string>;
  trail: TrailingState | null;
  running: boolean;
  again: boolean;
  /** Its orders are being cancelled: no evaluation acts on it meanwhile. */
  cancelling: boolean;
  /** Alerts already raised (by kind), so a re-evaluation does not repeat them. */
  alerted: Set<string>;
}

export interface ProtectionEngineOptions {
  ledger: Ledger;
  desk: OrderDesk;
  connection: (id: string) => Connection | undefined;
  journal: IntentJournal;
  logger: Logger;
  now?: () => number;
  timers?: Timers;
  deadlineMs?: number;
}

export class ProtectionEngine {
  private readonly ledger: Ledger;
  private readonly desk: OrderDesk;
  private readonly connectionOf: (id: string) => Connection | undefined;
  private readonly journal: IntentJournal;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly deadlineMs: number;
  private readonly protections = new Map<string, Protection>();
  /** Child client order id → its protection and role (decoration and event routing). */
  private readonly children = new Map<string, { p: Protection; role: string }>();
  /** `${connectionId}:${symbol}` → active terminal trailing stops on it (quotes are hot). */
  private readonly trailing = new Map<string, Set<Protection>>();
  private readonly unsubscribe: (() => void)[] = [];
  /** Settles when every evaluation started so far has finished (tests, quit). */
  private inflight = new Set<Promise<void>>();
  /** Problems found reading the journal at start-up. */
  readonly journalProblems: JournalContents['problems'];

  constructor(opts: ProtectionEngineOptions) {
    this.ledger = opts.ledger;
    this.desk = opts.desk;
    this.connectionOf = opts.connection;
    this.journal = opts.journal;
    this.log = opts.logger.child({ component: 'protection' });
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? realTimers;
    this.deadlineMs = opts.deadlineMs ?? 10_000;
    this.ledger.setOrderDecorator((o) => this.decorate(o));
    this.journalProblems = this.replay();
    const ev = this.ledger.events;
    this.unsubscribe.push(
      ev.on('order', ({ order }) => this.onOrder(order)),
      ev.on('quote', ({ quote }) => this.onPrice(quote.connectionId, quote.symbol, quote.last)),
      ev.on('verified', ({ connectionId, verified }) => {
        if (verified) this.onVerified(connectionId);
      }),
    );
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.ledger.setOrderDecorator(null);
    this.journal.close();
  }

  /** Resolves when no evaluation is running (tests wait on it; quit lets the last call finish). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  // ---------------------------------------------------------------- requests

  async place(req: ParsedProtectionRequest): Promise<Result<ProtectionView>> {
    const id = req.clientOrderId ?? this.desk.newClientOrderId();
    const prior = this.protections.get(id);
    if (prior !== undefined) {
      if (
        JSON.stringify({ ...prior.req, clientOrderId: id }) !== JSON.stringify({ ...req, clientOrderId: id })
      )
        return fail('duplicate_client_order_id', `Protection ${id} already exists with different terms.`);
      return ok(this.view(prior));
    }
    const conn = this.connectionOf(req.connectionId);
    if (conn === undefined) return fail('not_found', `There is no connection named "${req.connectionId}".`);
    if (!conn.capabilities.trading)
      return fail('read_only', `${conn.label} is read-only: orders can't be sent through it.`);
    const inst = this.ledger.instrument(req.connectionId, req.symbol);
    if (inst === undefined) return fail('unknown_symbol', `${req.symbol} is not listed on ${conn.label}.`);
    const checked = this.checkRequest(inst, { ...req, clientOrderId: id });
    if (!checked.ok) return checked;
    const r = checked.value;
    const native = this.nativeFor(conn, r.kind);
    const p: Protection = {
      id,
      req: r,
      heldBy: native ? (conn.heldBy ?? 'broker') : 'terminal',
      status: 'active',
      note: null,
      managed: !native,
      resumed: true,
      journaledPlaces: new Set(),
      trail:
        r.kind === 'trailing'
          ? { ...r.trail, stopPrice: null, peak: null, activated: r.trail.activationPrice === null }
          : null,
      running: false,
      again: false,
      cancelling: false,
      alerted: new Set(),
    };
    this.track(p);
    if (native) return this.placeNative(conn, p);
    // Journaled before anything reaches the broker: a crash from here on is resumed.
    this.journal.append({ op: 'open', id, request: r, heldBy: 'terminal' });
    this.log.info(
      { protectionId: id, kind: r.kind, connectionId: r.connectionId, symbol: r.symbol },
      'protection opened (terminal-managed)',
    );
    if (r.kind === 'trailing') {
      // The first peak is the market now: the stop goes in at once, not at the next tick.
      const q = this.ledger.quote(r.connectionId, r.symbol);
      if (q !== undefined) this.advanceTrail(p, q.last);
    }
    await this.kick(p);
    return this.resultOf(p);
  }

  /**
   * Cancels every working order of a protection, then stops managing it. It ends only once every
   * child cancel succeeded: when one fails (a stale link, a refusal, no answer) it stays active —
   * still watched by the terminal, or still held at the broker — and the failure is returned, so
   * no caller goes on as if the symbol were clear.
   */
  async cancel(id: string): Promise<Result<ProtectionView>> {
    const p = this.protections.get(id);
    if (p === undefined) return fail('not_found', `There is no protection ${id}.`);
    if (p.status !== 'active') return ok(this.view(p));
    if (p.cancelling) return fail('change_pending', `Protection ${id} is already being cancelled.`);
    p.cancelling = true;
    const problems: string[] = [];
    try {
      // An evaluation under way may be placing a child right now: let it land first.
      while (p.running) await this.idle();
      for (const o of this.childOrders(p)) {
        if (isOrderDone(o.status)) continue;
        if (o.placeholder === true) {
          problems.push(`${o.id}: not yet confirmed by the broker, so it can't be cancelled yet`);
          continue;
        }
        if (p.managed) this.act(p, 'cancel', this.roleOf(o), o.clientOrderId);
        const r = await this.desk.cancel({ connectionId: o.connectionId, orderId: o.id });
        if (!r.ok && r.error.code !== 'order_done') problems.push(`${o.id}: ${r.error.message}`);
      }
      if (problems.length === 0) {
        if (p.managed) this.finish(p, 'done', 'cancelled by the trader');
        else p.status = 'done';
      }
    } finally {
      p.cancelling = false;
    }
    if (problems.length === 0) return ok(this.view(p));
    this.log.warn({ protectionId: id, problems }, 'protection cancel incomplete: still active');
    // What happened meanwhile (a leg cancelled, a fill) is evaluated again.
    if (p.managed) void this.kick(p);
    return fail(
      'cancel_incomplete',
      `Some orders of ${describe(p)} could not be cancelled (${problems.join('; ')}); it stays ${p.managed ? 'watched by the terminal' : 'held at the broker'}.`,
    );
  }

  /**
   * Cancels every active protection on one account's symbol (a close that cancels the symbol's
   * working orders, a flatten, a reverse, a cancel-all): a terminal-managed one stops being
   * managed, so a trailing stop still waiting for its activation cannot re-open the position
   * later. Returns those cancelled and those that could not be (still active, with why).
   */
  async cancelOn(
    connectionId: string,
    accountId: string,
    symbol: string,
  ): Promise<{ cancelled: ProtectionView[]; failed: { id: string; message: string }[] }> {
    const cancelled: ProtectionView[] = [];
    const failed: { id: string; message: string }[] = [];
    for (const p of [...this.protections.values()]) {
      const r = p.req;
      if (p.status !== 'active' || r.connectionId !== connectionId || r.accountId !== accountId) continue;
      if (r.symbol !== symbol) continue;
      const done = await this.cancel(p.id);
      if (done.ok) cancelled.push(done.value);
      else failed.push({ id: p.id, message: done.error.message });
    }
    return { cancelled, failed };
  }

  /**
   * Cancels every active protection (the kill switch, before it cancels the remaining orders), so
   * no terminal-managed stop or trailing activation can place an order after the switch.
   */
  async cancelAllActive(): Promise<{ cancelled: number; failed: { id: string; message: string }[] }> {
    let cancelled = 0;
    const failed: { id: string; message: string }[] = [];
    for (const p of [...this.protections.values()]) {
      if (p.status !== 'active') continue;
      const done = await this.cancel(p.id);
      if (done.ok) cancelled += 1;
      else failed.push({ id: p.id, message: done.error.message });
    }
    return { cancelled, failed };
  }

  /** Active protections the terminal manages (the quit guard lists them). */
  activeTerminal(): ProtectionView[] {
    return [...this.protections.values()]
      .filter((p) => p.managed && p.status === 'active')
      .map((p) => this.view(p));
  }

  /** Markets the terminal must see for the protection it manages (a trailing stop before its activation has no order yet). */
  triggers(): { connectionId: string; symbol: string }[] {
    return [...this.protections.values()]
      .filter((p) => p.managed && p.status === 'active')
      .map((p) => ({ connectionId: p.req.connectionId, symbol: p.req.symbol }));
  }

  list(): ProtectionView[] {
    return [...this.protections.values()].map((p) => this.view(p));
  }

  /**
   * Quit with active terminal-managed protection: `keep` leaves every resting order at the broker
   * (a trailing stop stays at its last level, both OCO legs rest — either may fill); `cancel`
   * cancels them; `native` moves what the broker can hold to the broker and keeps the rest.
   * Returns what was left at the broker, in words, for the log or the dialog.
   */
  async onQuit(choice: 'keep' | 'cancel' | 'native'): Promise<string[]> {
    const left: string[] = [];
    for (const v of this.activeTerminal()) {
      const p = this.protections.get(v.id);
      if (p === undefined) continue;
      if (choice === 'cancel') {
        await this.cancel(p.id);
        continue;
      }
      if (choice === 'native' && (await this.convertToNative(p))) continue;
      const resting = this.childOrders(p).filter((o) => !isOrderDone(o.status));
      left.push(
        `${describe(p)}: ${resting.length === 0 ? 'nothing resting' : resting.map((o) => `${o.side} ${o.qty - o.filledQty} ${o.type}${o.stopPrice !== null ? ` stop ${o.stopPrice}` : ''}${o.limitPrice !== null ? ` limit ${o.limitPrice}` : ''} (${o.id})`).join(', ')} left at the broker, no longer managed`,
      );
    }
    await this.idle();
    return left;
  }

  // ---------------------------------------------------------------- checks

  private nativeFor(conn: Connection, kind: Kind): boolean {
    const c = conn.capabilities;
    if (kind === 'trailing') return c.nativeTrailingStop;
    if (conn.placeOrderList === undefined) return false;
    return kind === 'oco' ? c.nativeOco : c.nativeBracket;
  }

  /** Grid and side checks; prices rounded to the grid. Same rules as every order path. */
  private checkRequest(inst: Instrument, r: ParsedProtectionRequest): Result<ParsedProtectionRequest> {
    const price = (label: string, v: number | undefined): Result<number | undefined> =>
      v === undefined ? ok(undefined) : checkPrice(inst, label, v);
    const last = this.ledger.quote(r.connectionId, r.symbol)?.last ?? null;
    if (r.kind === 'oco') {
      const legs: typeof r.legs = [...r.legs] as typeof r.legs;
      for (const [i, leg] of r.legs.entries()) {
        const lp = price(`Leg ${i + 1} limit price`, leg.limitPrice);
        if (!lp.ok) return lp;
        const sp = price(`Leg ${i + 1} stop price`, leg.stopPrice);
        if (!sp.ok) return sp;
        legs[i] = { ...leg, limitPrice: lp.value, stopPrice: sp.value };
      }
      if (last !== null) {
        // An exit pair: one leg takes profit beyond the market, the other stops out on the far side.
        const wrong = legs.find(
          (l) => l.stopPrice !== undefined && l.type !== 'limit' && !stopSideOk(r.side, l.stopPrice, last),
        );
        if (wrong !== undefined)
          return fail(
            'wrong_side',
            `A ${r.side} stop must be ${r.side === 'sell' ? 'below' : 'above'} the market (${last}); ${wrong.stopPrice} would trigger at once.`,
          );
      }
      return ok({ ...r, legs });
    }
    if (r.kind === 'trailing') {
      if (r.trail.by === 'ticks' && !Number.isInteger(r.trail.offset))
        return fail('bad_trail', `A trail of ${r.trail.offset} ticks is not a whole number of ticks.`);
      if (r.trail.by === 'percent' && r.trail.offset >= 100)
        return fail('bad_trail', `A trail of ${r.trail.offset} % would put the stop at or below zero.`);
      if (r.trail.by === 'amount') {
        const a = checkPrice(inst, 'Trailing amount', r.trail.offset);
        if (!a.ok) return a;
      }
      const act = price('Activation price', r.trail.activationPrice ?? undefined);
      if (!act.ok) return act;
      if (last === null && r.trail.activationPrice === null)
        return fail('no_quote', `There is no ${r.symbol} price yet to trail from.`);
      return ok(r);
    }
    const entryPrice =
      r.entry.limitPrice !== undefined ? checkPrice(inst, 'Entry limit price', r.entry.limitPrice) : ok(last);
    if (!entryPrice.ok) return entryPrice;
    const ref = entryPrice.value;
    const out = { ...r, entry: { ...r.entry } };
    if (r.entry.type === 'limit') out.entry.limitPrice = ref ?? undefined;
    for (const leg of ['target', 'stop'] as const) {
      const x = r[leg];
      if ('price' in x) {
        const c = checkPrice(inst, leg === 'target' ? 'Target price' : 'Stop price', x.price);
        if (!c.ok) return c;
        out[leg] = { price: c.value };
        if (ref !== null) {
          // A long's target is above its entry and its stop below; a short's the other way.
          const above = (leg === 'target') === (r.side === 'buy');
          if (above ? c.value <= ref : c.value >= ref)
            return fail(
              'wrong_side',
              `The ${leg} of a ${r.side} bracket must be ${above ? 'above' : 'below'} the entry (${ref}); ${c.value} is not.`,
            );
        }
      }
    }
    return ok(out);
  }

  // ---------------------------------------------------------------- native

  private async placeNative(conn: Connection, p: Protection): Promise<Result<ProtectionView>> {
    const r = p.req;
    const placeList = conn.placeOrderList?.bind(conn);
    this.log.info(
      { protectionId: p.id, kind: r.kind, connectionId: r.connectionId },
      'protection placed natively',
    );
    if (r.kind === 'trailing') {
      const placed = await this.desk.place(this.childRequest(p, 'ts'));
      if (!placed.ok && placed.error.code !== 'outcome_unknown') {
        p.status = 'failed';
        p.note = placed.error.message;
        return fail(placed.error.code, placed.error.message);
      }
      return ok(this.view(p));
    }
    const roles = ROLES[r.kind];
    const orders = roles.map((role) => ({
      ...(this.childRequest(p, role) as PlaceOrder),
      role: LIST_ROLE[role] ?? 'leg',
    }));
    const answer = await withDeadline(
      () =>
        placeList === undefined
          ? Promise.resolve({ status: 'rejected' as const, code: 'not_supported', reason: 'no native lists' })
          : placeList({ id: p.id, type: r.kind === 'oco' ? 'oco' : 'bracket', orders }),
      this.deadlineMs,
      this.timers,
    );
    if (answer.kind === 'answered' && answer.value.status === 'accepted') {
      for (const o of answer.value.orders) this.ledger.apply(r.connectionId, { type: 'order', order: o });
      return ok(this.view(p));
    }
    if (answer.kind === 'answered' && answer.value.status === 'rejected') {
      p.status = 'failed';
      p.note = answer.value.reason;
      return fail(answer.value.code, answer.value.reason);
    }
    // Unknown: ask the broker about each order by its id; never send the list again.
    let found = 0;
    for (const o of orders) {
      const l = await conn.lookupOrder(o.clientOrderId, o.accountId).catch(() => null);
      if (l?.status === 'found') {
        found++;
        this.ledger.apply(r.connectionId, { type: 'order', order: l.order });
      }
    }
    if (found === orders.length) return ok(this.view(p));
    p.note = 'The broker did not confirm the list; check it at the broker. Nothing was sent again.';
    return fail('outcome_unknown', p.note);
  }

  private async convertToNative(p: Protection): Promise<boolean> {
    const conn = this.connectionOf(p.req.connectionId);
    if (
      conn === undefined ||
      !this.nativeFor(conn, p.req.kind) ||
      p.req.kind !== 'trailing' ||
      p.trail === null
    )
      return false;
    // The remaining stop becomes a native trailing stop from its current peak: cancel, then place.
    const stop = this.order(p, 'ts');
    if (stop === undefined || isOrderDone(stop.status)) return false;
    const cancelled = await this.cancel(p.id);
    if (!cancelled.ok) return false;
    const native = await this.place({
      ...p.req,
      qty: stop.qty - stop.filledQty,
      clientOrderId: `${p.id.slice(0, 28)}n`,
    });
    return native.ok;
  }

  // ---------------------------------------------------------------- terminal-managed

  private track(p: Protection): void {
    this.protections.set(p.id, p);
    for (const role of [...ROLES[p.req.kind], OVERFILL_ROLE])
      this.children.set(childClientOrderId(p.id, role), { p, role });
    if (p.req.kind === 'trailing' && p.managed) {
      const key = `${p.req.connectionId}:${p.req.symbol}`;
      let set = this.trailing.get(key);
      if (set === undefined) this.trailing.set(key, (set = new Set()));
      set.add(p);
    }
  }

  /** Rebuilds protections from the journal; active ones wait for their connection's reconcile. */
  private replay(): JournalContents['problems'] {
    let contents: JournalContents;
    try {
      contents = this.journal.read();
    } catch (err) {
      this.log.error({ err, path: this.journal.path }, 'protection journal unreadable: nothing resumed');
      return [{ line: 0, reason: err instanceof Error ? err.message : String(err), excerpt: '' }];
    }
    for (const e of contents.entries) {
      if (e.op === 'open') {
        if (this.protections.has(e.id)) continue;
        const r = e.request as ParsedProtectionRequest;
        this.track({
          id: e.id,
          req: r,
          heldBy: e.heldBy,
          status: 'active',
          note: null,
          managed: true,
          resumed: false,
          journaledPlaces: new Set(),
          trail:
            r.kind === 'trailing'
              ? { ...r.trail, stopPrice: null, peak: null, activated: r.trail.activationPrice === null }
              : null,
          running: false,
          again: false,
          cancelling: false,
          alerted: new Set(),
        });
        continue;
      }
      const p = this.protections.get(e.id);
      if (p === undefined) continue;
      if (e.op === 'act' && e.action === 'place') p.journaledPlaces.add(e.clientOrderId);
      else if (e.op === 'trail' && p.trail !== null)
        p.trail = { ...p.trail, stopPrice: e.stopPrice, peak: e.peak, activated: true };
      else if (e.op === 'done') {
        p.status = e.status;
        p.note = e.note;
      }
    }
    for (const problem of contents.problems) {
      this.log.warn({ path: this.journal.path, ...problem }, 'protection journal line skipped');
    }
    const first = contents.problems[0];
    if (contents.problems.length > 0)
      this.ledger.raiseAlert({
        id: `protection-journal:${this.now()}`,
        ts: this.now(),
        level: 'warning',
        title: 'Protection journal: unreadable lines skipped',
        message: `${contents.problems.length} line(s) of ${this.journal.path ?? 'the protection journal'} could not be read (first: line ${first?.line ?? '?'}, ${first?.reason ?? ''}) and were skipped. Check the working orders of your OCO, bracket and trailing-stop protection at the broker.`,
        active: false,
        acknowledged: false,
      });
    const waiting = [...this.protections.values()].filter((p) => p.status === 'active');
    if (waiting.length > 0)
      this.log.info(
        { protections: waiting.map((p) => p.id) },
        'protection from the journal waits for reconcile',
      );
    return contents.problems;
  }

  /** A connection reconciled: resume its protections (after asking about journaled calls). */
  private onVerified(connectionId: string): void {
    for (const p of this.protections.values()) {
      if (p.req.connectionId !== connectionId || p.status !== 'active') continue;
      if (!p.resumed) void this.track0(this.resume(p));
      else void this.kick(p);
    }
  }

  private async resume(p: Protection): Promise<void> {
    const conn = this.connectionOf(p.req.connectionId);
    // A call journaled before the crash whose order the reconciled ledger does not show: ask the
    // broker by its id, so a placement that did reach the broker is found, not sent again.
    for (const cid of p.journaledPlaces) {
      if (conn === undefined || this.ledger.orderByClientOrderId(cid) !== undefined) continue;
      const l = await conn.lookupOrder(cid, p.req.accountId).catch(() => null);
      if (l?.status === 'found') this.ledger.apply(p.req.connectionId, { type: 'order', order: l.order });
    }
    p.resumed = true;
    this.log.info({ protectionId: p.id, kind: p.req.kind }, 'protection resumed after reconcile');
    await this.kick(p);
  }

  private onOrder(o: Order): void {
    const c = this.children.get(o.clientOrderId);
    if (c === undefined || !c.p.managed || c.p.status !== 'active') return;
    void this.kick(c.p);
  }

  private onPrice(connectionId: string, symbol: string, price: number): void {
    const set = this.trailing.get(`${connectionId}:${symbol}`);
    if (set === undefined) return;
    for (const p of set) {
      if (p.status !== 'active' || !p.resumed) continue;
      if (this.advanceTrail(p, price)) void this.kick(p);
    }
  }

  /** Moves the peak (and the wanted stop) with a price; true when the stop should move. */
  private advanceTrail(p: Protection, price: number): boolean {
    const t = p.trail;
    if (t === null || p.req.kind !== 'trailing') return false;
    const side = p.req.side;
    if (!t.activated) {
      if (!activates(side, t.activationPrice, price)) return false;
      t.activated = true;
    }
    const peak = nextPeak(side, t.peak, price);
    if (peak === t.peak && t.stopPrice !== null) return false;
    t.peak = peak;
    const inst = this.ledger.instrument(p.req.connectionId, p.req.symbol);
    if (inst === undefined) return false;
    const candidate = stopFor(side, p.req.trail, peak, inst.tickSize);
    if (!isRatchet(side, t.stopPrice, candidate)) {
      this.refreshChild(p, 'ts');
      return false;
    }
    t.stopPrice = candidate;
    return true;
  }

  /** Runs `evaluate` for one protection, one at a time; a kick while it runs re-runs it once. */
  private kick(p: Protection): Promise<void> {
    if (p.running) {
      p.again = true;
      return this.idle();
    }
    return this.track0(this.loop(p));
  }

  private track0(run: Promise<void>): Promise<void> {
    const done = run.catch((err: unknown) => this.log.error({ err }, 'protection evaluation failed'));
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done));
    return done;
  }

  private async loop(p: Protection): Promise<void> {
    p.running = true;
    try {
      do {
        p.again = false;
        if (p.status !== 'active' || !p.managed || !p.resumed || p.cancelling || !this.verified(p)) return;
        await this.evaluate(p);
        // A leg placed after its sibling: the sibling's links (siblingIds, parentId) name it now.
        for (const role of ROLES[p.req.kind]) this.refreshChild(p, role);
      } while (p.again);
    } finally {
      p.running = false;
    }
  }

  private verified(p: Protection): boolean {
    return this.ledger.account(p.req.connectionId, p.req.accountId)?.verified === true;
  }

  /** One pass: compare what the broker shows with what the protection needs, and act on the gap. */
  private async evaluate(p: Protection): Promise<void> {
    const r = p.req;
    if (r.kind === 'trailing') return this.evaluateTrailing(p);
    if (r.kind === 'oco') {
      for (const role of ['l1', 'l2'] as const)
        if (this.order(p, role) === undefined) await this.placeChild(p, role);
      return this.settleExits(p, ['l1', 'l2'], r.qty, true);
    }
    const entry = this.order(p, 'en') ?? (await this.placeChild(p, 'en'));
    if (entry === undefined) return;
    if (entry.status === 'rejected' || (isOrderDone(entry.status) && entry.filledQty === 0)) {
      if (this.order(p, 'tp') === undefined && this.order(p, 'sl') === undefined)
        return this.finish(
          p,
          isOrderDone(entry.status) && entry.status !== 'rejected' ? 'done' : 'failed',
          `entry ${entry.status} without a fill`,
        );
    }
    if (entry.filledQty === 0) return;
    for (const role of ['tp', 'sl'] as const)
      if (this.order(p, role) === undefined) await this.placeChild(p, role);
    const exitFilled = (this.order(p, 'tp')?.filledQty ?? 0) + (this.order(p, 'sl')?.filledQty ?? 0);
    // An exit that fired means the trade is over: what is left of the entry must not re-open it.
    if (exitFilled > 0 && !isOrderDone(entry.status)) await this.cancelChild(p, 'en');
    const now = this.order(p, 'en') ?? entry;
    await this.settleExits(p, ['tp', 'sl'], now.filledQty, isOrderDone(now.status));
  }

  /**
   * Exits (OCO legs, a bracket's target and stop) protect `qty` in total: each working exit is
   * sized to what is still unprotected, both go once it is all closed, and an overfill (both
   * filled in a race) is flattened at market and raised as an alert.
   */
  private async settleExits(
    p: Protection,
    roles: readonly string[],
    qty: number,
    final: boolean,
  ): Promise<void> {
    const exits = roles.map((role) => ({ role, o: this.order(p, role) }));
    const filled = exits.reduce((s, e) => s + (e.o?.filledQty ?? 0), 0);
    const remaining = qty - filled;
    if (remaining > 0) {
      for (const { role, o } of exits) {
        if (
          o === undefined ||
          isOrderDone(o.status) ||
          o.placeholder === true ||
          o.pendingAction !== undefined
        )
          continue;
        const want = o.filledQty + remaining;
        if (want !== o.qty) {
          this.act(p, 'modify', role, o.clientOrderId, { qty: want });
          const m = await this.desk.modify({ connectionId: o.connectionId, orderId: o.id, qty: want });
          if (!m.ok && m.error.code !== 'order_done' && m.error.code !== 'no_change')
            this.log.warn(
              { protectionId: p.id, role, code: m.error.code, reason: m.error.message },
              'exit resize refused',
            );
        }
      }
      if (final && exits.every(({ o }) => o !== undefined && isOrderDone(o.status)))
        this.finish(p, 'done', `exits ended with ${remaining} not closed by them`);
      return;
    }
    for (const { role, o } of exits)
      if (o !== undefined && !isOrderDone(o.status) && o.placeholder !== true)
        await this.cancelChild(p, role);
    // Re-read after the cancels: the sibling may have filled while its cancel was on the way.
    const over = roles.reduce((sum, role) => sum + (this.order(p, role)?.filledQty ?? 0), 0) - qty;
    if (over > 0) await this.flattenOverfill(p, over);
    const open = roles
      .map((role) => this.order(p, role))
      .filter((o) => o !== undefined && !isOrderDone(o.status));
    if (final && open.length === 0)
      this.finish(
        p,
        'done',
        remaining < 0 ? `both exits filled; ${-remaining} overfill flattened` : 'exit filled',
      );
  }

  private async flattenOverfill(p: Protection, excess: number): Promise<void> {
    const side: Side = this.exitSide(p) === 'buy' ? 'sell' : 'buy';
    const id = childClientOrderId(p.id, OVERFILL_ROLE);
    if (!p.alerted.has('overfill')) {
      p.alerted.add('overfill');
      this.log.error({ protectionId: p.id, excess }, 'both exits filled: flattening the overfill');
      this.ledger.raiseAlert({
        id: `protection-overfill:${p.id}`,
        ts: this.now(),
        level: 'critical',
        title: `${p.req.symbol}: both exits filled`,
        message: `Both orders of ${describe(p)} filled before one could be cancelled, leaving ${excess} more than intended; the terminal sends a ${side} ${excess} at market to take it back. Check the position.`,
        active: true,
        acknowledged: false,
      });
    }
    if (this.ledger.orderByClientOrderId(id) !== undefined) return;
    this.act(p, 'place', OVERFILL_ROLE, id, { side, qty: excess });
    const r = p.req;
    await this.desk.place({
      connectionId: r.connectionId,
      accountId: r.accountId,
      symbol: r.symbol,
      side,
      type: 'market',
      qty: excess,
      tif: 'day',
      clientOrderId: id,
    });
  }

  private async evaluateTrailing(p: Protection): Promise<void> {
    const t = p.trail;
    if (t === null) return;
    const stop = this.order(p, 'ts');
    if (stop !== undefined && isOrderDone(stop.status)) {
      this.finish(
        p,
        'done',
        stop.status === 'filled' ? `stop filled at ${stop.avgFillPrice ?? '?'}` : `stop ${stop.status}`,
      );
      return;
    }
    if (t.stopPrice === null) {
      // Not yet activated (or no price yet): nothing rests at the broker until it is.
      const q = this.ledger.quote(p.req.connectionId, p.req.symbol);
      if (q === undefined || !this.advanceTrail(p, q.last)) return;
    }
    if (stop === undefined) {
      await this.placeChild(p, 'ts');
      return;
    }
    if (stop.placeholder === true || stop.pendingAction !== undefined) return;
    const want = t.stopPrice;
    if (want === null || stop.stopPrice === want || !isRatchet(p.req.side, stop.stopPrice, want)) {
      this.refreshChild(p, 'ts');
      return;
    }
    this.journal.append({ op: 'trail', id: p.id, stopPrice: want, peak: t.peak ?? want });
    this.act(p, 'modify', 'ts', stop.clientOrderId, { stopPrice: want });
    const m = await this.desk.modify({ connectionId: stop.connectionId, orderId: stop.id, stopPrice: want });
    if (!m.ok && m.error.code !== 'no_change')
      // The market moved through the new level before it arrived: the old stop stays, and the
      // next tick computes the next ratchet.
      this.log.info(
        { protectionId: p.id, code: m.error.code, reason: m.error.message, stopPrice: want },
        'trailing ratchet refused',
      );
    this.refreshChild(p, 'ts');
  }

  // ---------------------------------------------------------------- children

  private exitSide(p: Protection): Side {
    const r = p.req;
    return r.kind === 'bracket' ? (r.side === 'buy' ? 'sell' : 'buy') : r.side;
  }

  /** The desk request for one child order (prices for bracket exits from the entry's fill). */
  private childRequest(p: Protection, role: string): PlaceRequest {
    const r = p.req;
    const base = {
      connectionId: r.connectionId,
      accountId: r.accountId,
      symbol: r.symbol,
      tif: r.tif,
      clientOrderId: childClientOrderId(p.id, role),
    };
    if (r.kind === 'oco') {
      const leg = r.legs[role === 'l1' ? 0 : 1];
      return {
        ...base,
        side: r.side,
        qty: r.qty,
        type: leg.type,
        limitPrice: leg.limitPrice,
        stopPrice: leg.stopPrice,
      };
    }
    if (r.kind === 'trailing') {
      if (p.managed)
        return {
          ...base,
          side: r.side,
          qty: r.qty,
          type: 'stop',
          stopPrice: p.trail?.stopPrice ?? undefined,
        };
      return { ...base, side: r.side, qty: r.qty, type: 'trailing_stop', trail: r.trail };
    }
    if (role === 'en')
      return {
        ...base,
        side: r.side,
        qty: r.qty,
        type: r.entry.type,
        limitPrice: r.entry.limitPrice,
        tif: r.entry.type === 'market' ? 'day' : r.tif,
      };
    const entry = this.order(p, 'en');
    const inst = this.ledger.instrument(r.connectionId, r.symbol);
    const tick = inst?.tickSize ?? 0.01;
    const ref =
      entry?.avgFillPrice ?? r.entry.limitPrice ?? this.ledger.quote(r.connectionId, r.symbol)?.last ?? 0;
    const dir = r.side === 'buy' ? 1 : -1;
    const priceOf = (x: (typeof r)['target'], sign: number): number =>
      'price' in x ? x.price : Number((ref + sign * dir * x.ticks * tick).toFixed(10));
    const qty = p.managed ? (entry?.filledQty ?? r.qty) : r.qty;
    const side = this.exitSide(p);
    if (role === 'tp')
      return { ...base, side, qty, type: 'limit', limitPrice: snap(priceOf(r.target, 1), tick, inst) };
    return { ...base, side, qty, type: 'stop', stopPrice: snap(priceOf(r.stop, -1), tick, inst) };
  }

  private async placeChild(p: Protection, role: string): Promise<Order | undefined> {
    const req = this.childRequest(p, role);
    this.act(p, 'place', role, req.clientOrderId ?? childClientOrderId(p.id, role), {
      type: req.type,
      side: req.side,
      qty: req.qty,
      ...(req.limitPrice === undefined ? {} : { limitPrice: req.limitPrice }),
      ...(req.stopPrice === undefined ? {} : { stopPrice: req.stopPrice }),
    });
    const r = await this.desk.place(req);
    if (r.ok) return r.value;
    if (r.error.code === 'outcome_unknown') return undefined; // the desk resolves it by lookup
    this.log.warn(
      { protectionId: p.id, role, code: r.error.code, reason: r.error.message },
      'protective order refused',
    );
    const critical = role === 'sl' || role === 'ts' || role === 'l1' || role === 'l2';
    if (!p.alerted.has(`refused:${role}`)) {
      p.alerted.add(`refused:${role}`);
      this.ledger.raiseAlert({
        id: `protection-refused:${p.id}:${role}`,
        ts: this.now(),
        level: critical ? 'critical' : 'warning',
        title: `${p.req.symbol}: protective order refused`,
        message: `The ${roleName(role)} of ${describe(p)} was refused: ${r.error.message}${critical ? ' The position may be unprotected.' : ''}`,
        active: true,
        acknowledged: false,
      });
    }
    if (role === 'en' || role === 'l1' || role === 'l2' || role === 'ts')
      this.finish(p, 'failed', `${roleName(role)} refused: ${r.error.message}`);
    return undefined;
  }

  private async cancelChild(p: Protection, role: string): Promise<void> {
    const o = this.order(p, role);
    if (o === undefined || isOrderDone(o.status) || o.pendingAction === 'cancel') return;
    this.act(p, 'cancel', role, o.clientOrderId);
    const r = await this.desk.cancel({ connectionId: o.connectionId, orderId: o.id });
    if (!r.ok && r.error.code !== 'order_done' && r.error.code !== 'change_pending')
      this.log.warn(
        { protectionId: p.id, role, code: r.error.code, reason: r.error.message },
        'sibling cancel refused',
      );
  }

  private act(
    p: Protection,
    action: 'place' | 'modify' | 'cancel',
    role: string,
    clientOrderId: string,
    detail?: Record<string, string | number>,
  ): void {
    if (!p.managed) return;
    this.journal.append({
      op: 'act',
      id: p.id,
      action,
      role,
      clientOrderId,
      ...(detail === undefined ? {} : { detail }),
    });
  }

  private finish(p: Protection, status: 'done' | 'failed', note: string): void {
    if (p.status !== 'active') return;
    this.journal.append({ op: 'done', id: p.id, status, note });
    p.status = status;
    p.note = note;
    this.log.info({ protectionId: p.id, status, note }, 'protection ended');
  }

  /** The broker's order (or the desk's placeholder) for a role. */
  private order(p: Protection, role: string): Order | undefined {
    const o = this.ledger.orderByClientOrderId(childClientOrderId(p.id, role));
    return o !== undefined && o.connectionId === p.req.connectionId ? o : undefined;
  }

  private childOrders(p: Protection): Order[] {
    return ROLES[p.req.kind].map((role) => this.order(p, role)).filter((o): o is Order => o !== undefined);
  }

  private roleOf(o: Order): string {
    return this.children.get(o.clientOrderId)?.role ?? '?';
  }

  private refreshChild(p: Protection, role: string): void {
    const o = this.order(p, role);
    if (o !== undefined) this.ledger.refreshOrder(o.connectionId, o.id);
  }

  // ---------------------------------------------------------------- how orders show

  /** Adds the protection's labels to one of its orders as the ledger stores it. */
  private decorate(o: Order): Order {
    const c = this.children.get(o.clientOrderId);
    if (c === undefined || c.role === OVERFILL_ROLE) return o;
    const { p, role } = c;
    const out: Order = { ...o, heldBy: p.heldBy === 'terminal' ? 'terminal' : o.heldBy };
    const listType: OrderListType | null = p.req.kind === 'trailing' ? null : p.req.kind;
    if (listType !== null) {
      out.list = { id: p.id, type: listType, role: LIST_ROLE[role] ?? 'leg' };
      const siblings = ROLES[p.req.kind].filter((x) => x !== role && x !== 'en');
      if (role !== 'en') {
        const ids = siblings.map((x) => this.order(p, x)?.id).filter((x): x is string => x !== undefined);
        if (ids.length > 0) out.siblingIds = ids;
      }
      if (p.req.kind === 'bracket' && role !== 'en') {
        const parent = this.order(p, 'en');
        if (parent !== undefined) out.parentId = parent.id;
      }
    }
    if (p.trail !== null && role === 'ts' && p.managed) out.trail = { ...p.trail };
    return out;
  }

  private view(p: Protection): ProtectionView {
    const orders: Record<string, string> = {};
    for (const role of ROLES[p.req.kind]) orders[role] = childClientOrderId(p.id, role);
    return {
      id: p.id,
      kind: p.req.kind,
      listType: p.req.kind === 'trailing' ? null : p.req.kind,
      connectionId: p.req.connectionId,
      symbol: p.req.symbol,
      heldBy: p.heldBy,
      status: p.status === 'active' && this.settledAtBroker(p) ? 'done' : p.status,
      note: p.note,
      orders,
    };
  }

  /** A list the broker holds is over once every one of its orders is (a leg filled, its sibling cancelled). */
  private settledAtBroker(p: Protection): boolean {
    if (p.managed) return false;
    const orders = this.childOrders(p);
    return orders.length === ROLES[p.req.kind].length && orders.every((o) => isOrderDone(o.status));
  }

  private resultOf(p: Protection): Result<ProtectionView> {
    if (p.status === 'failed')
      return fail('protection_failed', p.note ?? 'The protection could not be placed.');
    return ok(this.view(p));
  }
}

function stopSideOk(side: Side, stop: number, last: number): boolean {
  return side === 'sell' ? stop < last : stop > last;
}

function snap(price: number, tick: number, inst: Instrument | undefined): number {
  if (inst === undefined) return price;
  const steps = Math.round(price / tick);
  return Number((steps * tick).toFixed(inst.pricePrecision));
}

function roleName(role: string): string {
  return (
    {
      en: 'entry',
      tp: 'take-profit target',
      sl: 'stop-loss',
      l1: 'first leg',
      l2: 'second leg',
      ts: 'trailing stop',
      fx: 'overfill flatten',
    }[role] ?? role
  );
}

function describe(p: Protection): string {
  const r = p.req;
  const what = r.kind === 'oco' ? 'OCO' : r.kind === 'bracket' ? 'bracket' : 'trailing stop';
  return `${what} ${r.side} ${r.qty} ${r.symbol} (${p.id})`;
}
