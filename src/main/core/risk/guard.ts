/**
 * The risk guard stands in front of the order desk (`desk.guardWith`): every new order and every
 * modify, from every path, passes its limits and the kill switch's lock before a broker sees it.
 * It watches the day's loss across all accounts (and per account) on the engine's tick and fires
 * the kill switch on a breach; the trader can fire it by hand too. The lock holds until the next
 * session (UTC midnight) or an explicit, confirmed unlock, and survives a restart through the
 * journal. It says plainly what it cannot guarantee (`RISK_CAVEATS`).
 */
import { RISK_CAVEATS, RiskLimits, type KillStep, type RiskStatus } from '../../../shared/alerts';
import { fail, ok, type ParsedRequestOf, type Result } from '../../../shared/contract';
import { isOrderDone, type Order } from '../../../shared/domain';
import { freshness } from '../../../shared/freshness';
import { positionKey } from '../../../shared/keys';
import { formatMoney } from '../../../shared/money';
import { type AlertJournal, nextDayStart } from '../alerts/journal';
import type { PlaceOrder } from '../connection';
import type { Ledger } from '../ledger';
import type { Logger } from '../log';
import type { OrderDesk, OrderGuard } from '../orders/desk';
import type { Timers } from '../orders/deadline';
import { pnlSummary } from '../reports';
import { type KillSwitchDeps, runKillSwitch } from './killSwitch';
import { checkOrderLimits, onlyReduces } from './limits';

/** The alert that stays active while trading is locked. */
export const LOCK_ALERT_ID = 'risk:lock';
/** Above this share of the daily loss limit the risk state reads "warning". */
const WARN_SHARE = 0.8;

export interface RiskGuardOptions {
  ledger: Ledger;
  desk: Pick<OrderDesk, 'cancel' | 'flatten'>;
  journal: AlertJournal;
  timers: Timers;
  now: () => number;
  logger?: Logger;
  flatWaitMs?: number;
  /** The protection engine's "end everything" (see KillSwitchDeps.endProtection). */
  endProtection?: KillSwitchDeps['endProtection'];
}

interface Lock {
  at: number;
  until: number | null;
  reason: string;
}

export class RiskGuard implements OrderGuard {
  private readonly ledger: Ledger;
  private readonly desk: RiskGuardOptions['desk'];
  private readonly journal: AlertJournal;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly log: Logger | undefined;
  private readonly flatWaitMs: number | undefined;
  private readonly endProtection: KillSwitchDeps['endProtection'];
  private limits: RiskLimits = RiskLimits.parse({});
  private lock: Lock | null = null;
  private kill: { state: RiskStatus['killSwitch']['state']; steps: KillStep[] } = {
    state: 'idle',
    steps: [],
  };
  private running: Promise<RiskStatus> | null = null;
  /** Paused-until of the alert engine, for the status line (set by the engine). */
  pausedUntil: () => number | null = () => null;

  constructor(opts: RiskGuardOptions) {
    this.ledger = opts.ledger;
    this.desk = opts.desk;
    this.journal = opts.journal;
    this.timers = opts.timers;
    this.now = opts.now;
    this.log = opts.logger?.child({ component: 'risk' });
    this.flatWaitMs = opts.flatWaitMs;
    this.endProtection = opts.endProtection;
    this.restore();
  }

  setLimits(limits: RiskLimits): void {
    this.limits = limits;
    this.log?.info({ limits }, 'risk limits applied');
  }

  /** A lock journaled today and not yet over or unlocked is still on after a restart. */
  private restore(): void {
    const now = this.now();
    let lock: Lock | null = null;
    for (const e of this.journal.today(now)) {
      if (e.t === 'lock') lock = { at: e.ts, until: e.lockedUntil, reason: e.reason };
      else if (e.t === 'unlock') lock = null;
    }
    if (lock !== null && (lock.until === null || lock.until > now)) {
      this.lock = lock;
      this.raiseLockAlert();
      this.log?.warn({ reason: lock.reason, until: lock.until }, 'trading lock restored from the journal');
    }
  }

  // ---------------------------------------------------------------- the guard

  checkPlace(order: PlaceOrder, req: ParsedRequestOf<'term:orders.place'>): Result<void> {
    const position =
      this.ledger.position(positionKey(order.connectionId, order.accountId, order.symbol))?.qty ?? 0;
    const locked = this.lockRefusal(onlyReduces(order.side, order.qty, position));
    if (locked !== null) return locked;
    return this.check(order, position, req.confirmLarge === true, null);
  }

  checkModify(order: Order, change: { qty?: number; limitPrice?: number; stopPrice?: number }): Result<void> {
    const position =
      this.ledger.position(positionKey(order.connectionId, order.accountId, order.symbol))?.qty ?? 0;
    const qty = change.qty ?? order.qty;
    const locked = this.lockRefusal(onlyReduces(order.side, qty - order.filledQty, position));
    if (locked !== null) return locked;
    // A modify is confirmed by the edit dialog; only the growth of the order counts.
    return this.check(
      {
        connectionId: order.connectionId,
        accountId: order.accountId,
        symbol: order.symbol,
        side: order.side,
        qty: qty - order.filledQty,
        limitPrice: change.limitPrice ?? order.limitPrice ?? undefined,
        stopPrice: change.stopPrice ?? order.stopPrice ?? undefined,
      },
      position,
      true,
      order,
    );
  }

  private lockRefusal(reducing: boolean): Result<void> | null {
    this.expireLock();
    if (this.lock === null || reducing) return null;
    return fail(
      'risk_locked',
      `Trading is locked (${this.lock.reason})${this.lock.until === null ? '' : ` until ${new Date(this.lock.until).toISOString().slice(0, 16).replace('T', ' ')} UTC`} or an explicit unlock; only orders that reduce a position are accepted.`,
    );
  }

  private check(
    o: Pick<
      PlaceOrder,
      'connectionId' | 'accountId' | 'symbol' | 'side' | 'qty' | 'limitPrice' | 'stopPrice'
    >,
    position: number,
    confirmed: boolean,
    self: Order | null,
  ): Result<void> {
    const inst = this.ledger.instrument(o.connectionId, o.symbol);
    let workingSameSide = 0;
    let openOrders = 0;
    for (const w of this.ledger.orders()) {
      if (isOrderDone(w.status) || w === self) continue;
      openOrders++;
      if (
        w.connectionId === o.connectionId &&
        w.accountId === o.accountId &&
        w.symbol === o.symbol &&
        w.side === o.side
      )
        workingSameSide += w.qty - w.filledQty;
    }
    const quote = this.ledger.quote(o.connectionId, o.symbol);
    return checkOrderLimits(this.limits, {
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      position,
      workingSameSide,
      // A modify does not add an order.
      openOrders: self === null ? openOrders : 0,
      price:
        o.limitPrice ??
        o.stopPrice ??
        (quote === undefined ? null : quote.last || (quote.bid + quote.ask) / 2),
      multiplier: inst?.multiplier ?? 1,
      currency: inst?.currency ?? 'USD',
      confirmed,
    });
  }

  // ---------------------------------------------------------------- daily loss

  /** On the engine's tick: a daily-loss breach fires the kill switch (once). */
  evaluate(): void {
    this.expireLock();
    if (this.lock !== null || this.running !== null) return;
    const breach = this.breach();
    if (breach === null) return;
    this.log?.warn({ breach }, 'daily loss limit reached');
    void this.fire(breach, this.limits.flattenOnBreach);
  }

  /** Why the daily loss limit is breached, or null. Stale marks hold the check back. */
  private breach(): string | null {
    const { dailyLoss, accountDailyLoss } = this.limits;
    if (dailyLoss === null && accountDailyLoss === null) return null;
    const now = this.now();
    if (this.ledger.positions().some((p) => p.qty !== 0 && freshness(p.markedAt, now) === 'stale'))
      return null;
    if (dailyLoss !== null) {
      const s = pnlSummary(this.ledger);
      if (this.ledger.accounts().length > 0 && s.dayPnl <= -dailyLoss)
        return `daily loss limit: day P&L ${formatMoney(s.dayPnl, s.currency)} across all accounts reached −${formatMoney(dailyLoss, s.currency).replace(/^[+-]/, '')}`;
    }
    if (accountDailyLoss !== null)
      for (const a of this.ledger.accounts())
        if (a.dayPnl <= -accountDailyLoss)
          return `account daily loss limit: ${a.name} day P&L ${formatMoney(a.dayPnl, a.currency)} reached −${formatMoney(accountDailyLoss, a.currency).replace(/^[+-]/, '')}`;
    return null;
  }

  // ---------------------------------------------------------------- kill switch

  /**
   * Locks trading, then cancels every working order and (optionally) flattens every position.
   * A second call while one runs returns the running one.
   */
  fire(reason: string, flatten: boolean): Promise<RiskStatus> {
    if (this.running !== null) return this.running;
    const now = this.now();
    this.kill = { state: 'running', steps: [] };
    // Lock first and on disk: nothing new may be sent while the sequence runs, even after a crash.
    this.lock = { at: now, until: nextDayStart(now), reason };
    this.journal.append({ t: 'lock', ts: now, reason, lockedUntil: this.lock.until });
    this.onStep({ step: 'lock', state: 'done', detail: `New orders blocked: ${reason}.`, ts: now });
    this.raiseLockAlert();
    this.running = runKillSwitch(
      {
        ledger: this.ledger,
        desk: this.desk,
        timers: this.timers,
        now: this.now,
        ...(this.log === undefined ? {} : { logger: this.log }),
        ...(this.flatWaitMs === undefined ? {} : { flatWaitMs: this.flatWaitMs }),
        ...(this.endProtection === undefined ? {} : { endProtection: this.endProtection }),
        onStep: (s) => this.onStep(s),
      },
      flatten,
    )
      .catch((err: unknown) => {
        this.onStep({
          step: 'verify',
          state: 'failed',
          detail: `The kill switch stopped: ${err instanceof Error ? err.message : String(err)}`,
          ts: this.now(),
        });
        return false;
      })
      .then((complete) => {
        this.kill.state = complete ? 'done' : 'incomplete';
        this.running = null;
        this.raiseLockAlert();
        return this.status();
      });
    return this.running;
  }

  private onStep(s: KillStep): void {
    this.journal.append({ t: 'kill', ...s });
    const i = this.kill.steps.findIndex((x) => x.step === s.step);
    if (i >= 0) this.kill.steps[i] = s;
    else this.kill.steps.push(s);
    const log = s.state === 'failed' ? 'warn' : 'info';
    this.log?.[log]({ step: s.step, state: s.state, detail: s.detail }, 'kill switch step');
    if (this.lock !== null) this.raiseLockAlert();
  }

  /** An explicit, confirmed unlock (the contract requires the unlock phrase). */
  unlock(by: string): Result<RiskStatus> {
    if (this.running !== null)
      return fail('kill_switch_running', 'The kill switch is still running; unlock once it has finished.');
    if (this.lock === null) return ok(this.status());
    this.journal.append({ t: 'unlock', ts: this.now(), by });
    this.log?.warn({ by }, 'trading unlocked');
    this.lock = null;
    this.clearLockAlert();
    return ok(this.status());
  }

  private expireLock(): void {
    if (this.lock?.until != null && this.now() >= this.lock.until) {
      this.journal.append({ t: 'unlock', ts: this.now(), by: 'new session' });
      this.lock = null;
      this.clearLockAlert();
    }
  }

  private raiseLockAlert(): void {
    if (this.lock === null) return;
    const existing = this.ledger.alerts().find((a) => a.id === LOCK_ALERT_ID);
    const steps = this.kill.steps.map((s) => `${s.step}: ${s.state}`).join(' · ');
    this.ledger.raiseAlert({
      id: LOCK_ALERT_ID,
      ts: existing?.ts ?? this.lock.at,
      level: 'critical',
      title:
        this.kill.state === 'incomplete'
          ? 'Kill switch incomplete — trading locked'
          : 'Kill switch — trading locked',
      message: `${this.lock.reason.charAt(0).toUpperCase()}${this.lock.reason.slice(1)}.${steps === '' ? '' : ` ${steps}.`}`,
      active: true,
      acknowledged: existing?.acknowledged ?? false,
      sound: existing === undefined,
    });
  }

  private clearLockAlert(): void {
    const a = this.ledger.alerts().find((x) => x.id === LOCK_ALERT_ID);
    if (a !== undefined)
      this.ledger.raiseAlert({ ...a, active: false, title: 'Trading unlocked', sound: false });
  }

  status(): RiskStatus {
    this.expireLock();
    const s = pnlSummary(this.ledger);
    const { dailyLoss } = this.limits;
    const level: RiskStatus['level'] =
      this.lock !== null || this.kill.state === 'running' || this.kill.state === 'incomplete'
        ? 'alarm'
        : dailyLoss !== null && s.dayPnl <= -dailyLoss * WARN_SHARE
          ? 'warning'
          : 'ok';
    return {
      locked: this.lock !== null,
      lockedAt: this.lock?.at ?? null,
      lockedUntil: this.lock?.until ?? null,
      reason: this.lock?.reason ?? null,
      killSwitch: { state: this.kill.state, steps: this.kill.steps.map((x) => ({ ...x })) },
      dayPnl: s.dayPnl,
      currency: s.currency,
      dailyLoss,
      level,
      pausedUntil: this.pausedUntil(),
      limits: this.limits,
      caveats: [...RISK_CAVEATS],
    };
  }
}
