/**
 * The alert engine: the trader's rules, evaluated in the main process (never in a renderer the OS
 * may throttle). Threshold rules (P&L, drawdown, price, stale feed, unverified account) are read
 * on a tick against the ledger; event rules (connection lost / recovered, fill, rejection,
 * protection, signal) follow domain events. Every firing and re-arm is journaled before it is
 * raised as an alert, and today's journal is read back at start so nothing fires twice a day.
 */
import type { AlertFiring, AlertRule } from '../../../shared/alerts';
import type { ConnectionHealth, Fill, Order, Position } from '../../../shared/domain';
import { freshness } from '../../../shared/freshness';
import { formatMoney } from '../../../shared/money';
import type { Alert } from '../../../shared/stream';
import type { Ledger } from '../ledger';
import type { Logger } from '../log';
import { pnlSummary } from '../reports';
import { type AlertJournal, dayStart } from './journal';
import { crossing } from './threshold';

type Level = Alert['level'];

/** What the protection engine reports when it cannot hold what it promised. */
export interface ProtectionNotice {
  kind: 'failed' | 'fell_back';
  connectionId: string;
  symbol?: string;
  message: string;
}

/** A signal from the `signals` gateway (when it exists). */
export interface SignalNotice {
  source: string;
  symbol?: string;
  message: string;
}

export interface AlertEngineOptions {
  ledger: Ledger;
  journal: AlertJournal;
  now: () => number;
  logger?: Logger;
}

interface Firing {
  rule: AlertRule;
  subject: string;
  level: Level;
  title: string;
  message: string;
  value: number | null;
  symbol?: string;
  connectionId?: string;
  /** Stays active until the rule re-arms (thresholds) or the condition clears. */
  lasting: boolean;
}

/** Connection states that count as "lost": not live and not merely a quiet feed. */
const LOST = new Set<ConnectionHealth['state']>([
  'connecting',
  'authenticating',
  'backoff',
  'stopped',
  'failed',
]);

export class AlertEngine {
  private readonly ledger: Ledger;
  private readonly journal: AlertJournal;
  private readonly now: () => number;
  private readonly log: Logger | undefined;
  private rules: AlertRule[] = [];
  private soundOn = true;
  private pausedUntil: number | null = null;
  /** `${ruleId}|${subject}` of thresholds that fired and have not re-armed. */
  private readonly disarmed = new Set<string>();
  /** The alert id raised for each disarmed threshold, to clear it on re-arm. */
  private readonly raised = new Map<string, string>();
  private day = 0;
  private peak: number | null = null;
  private readonly lastState = new Map<string, ConnectionHealth['state']>();
  private readonly lost = new Set<string>();
  private readonly unverifiedSince = new Map<string, number>();
  private readonly unsubscribe: (() => void)[] = [];
  private seq = 0;

  constructor(opts: AlertEngineOptions) {
    this.ledger = opts.ledger;
    this.journal = opts.journal;
    this.now = opts.now;
    this.log = opts.logger?.child({ component: 'alerts' });
    this.restore();
    const events = this.ledger.events;
    this.unsubscribe.push(
      events.on('health', ({ health }) => this.onHealth(health)),
      events.on('fill', ({ fill }) => this.onFill(fill)),
      events.on('order', ({ order, previous }) => this.onOrder(order, previous)),
    );
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  configure(rules: readonly AlertRule[], sound: boolean): void {
    // An edited or removed rule starts armed again; unchanged rules keep their state, and so do
    // ids restored from today's journal before any rule was applied.
    const before = new Map(this.rules.map((r) => [r.id, JSON.stringify(r)]));
    const after = new Map(rules.filter((r) => r.enabled).map((r) => [r.id, JSON.stringify(r)]));
    for (const key of [...this.disarmed]) {
      const id = key.split('|')[0] ?? '';
      if (before.has(id) && before.get(id) !== after.get(id)) this.disarmed.delete(key);
    }
    this.rules = rules.filter((r) => r.enabled);
    this.soundOn = sound;
    this.log?.info({ rules: this.rules.length }, 'alert rules applied');
  }

  /** Mute notifications and sounds until `until` (null resumes); firings are still journaled. */
  pause(until: number | null): void {
    this.pausedUntil = until;
    this.log?.info({ until }, until === null ? 'alerts resumed' : 'alerts paused');
  }

  paused(): number | null {
    if (this.pausedUntil !== null && this.now() >= this.pausedUntil) this.pausedUntil = null;
    return this.pausedUntil;
  }

  /** Today's firings, oldest first. */
  history(): AlertFiring[] {
    return this.journal.today(this.now()).flatMap((e) =>
      e.t === 'fired'
        ? [
            {
              ts: e.ts,
              ruleId: e.ruleId,
              kind: e.kind,
              level: e.level,
              title: e.title,
              message: e.message,
              value: e.value,
              muted: e.muted,
            },
          ]
        : [],
    );
  }

  /** Rebuilds today's threshold state from the journal: what fired and never re-armed stays quiet. */
  private restore(): void {
    const now = this.now();
    this.day = dayStart(now);
    for (const e of this.journal.today(now)) {
      if (e.t === 'fired') this.disarmed.add(`${e.ruleId}|${e.subject}`);
      else if (e.t === 'rearmed') this.disarmed.delete(`${e.ruleId}|${e.subject}`);
    }
  }

  // ---------------------------------------------------------------- thresholds (on the tick)

  /** Reads every threshold rule against the ledger once. */
  evaluate(): void {
    const now = this.now();
    if (dayStart(now) !== this.day) {
      // A new session: yesterday's firings no longer hold anything back.
      this.day = dayStart(now);
      this.disarmed.clear();
      this.peak = null;
    }
    const total = this.totalPnl(now);
    if (total !== null) this.peak = this.peak === null ? total : Math.max(this.peak, total);
    for (const rule of this.rules) {
      try {
        this.evaluateRule(rule, now, total);
      } catch (err) {
        this.log?.error({ err, ruleId: rule.id }, 'alert rule failed');
      }
    }
  }

  private evaluateRule(rule: AlertRule, now: number, total: number | null): void {
    switch (rule.kind) {
      case 'pnl':
        for (const s of this.pnlSubjects(rule, now)) {
          const word = rule.direction === 'above' ? 'above' : 'below';
          this.threshold(rule, s.subject, rule.direction, rule.threshold, rule.hysteresis, s.value, {
            level: rule.direction === 'below' ? 'warning' : 'info',
            title: `${s.label} P&L ${word} ${formatMoney(rule.threshold, s.currency)}`,
            message: `${s.label} P&L is ${formatMoney(s.value, s.currency)} (threshold ${formatMoney(rule.threshold, s.currency)}).`,
            ...(s.symbol === undefined ? {} : { symbol: s.symbol }),
            ...(s.connectionId === undefined ? {} : { connectionId: s.connectionId }),
          });
        }
        return;
      case 'drawdown': {
        if (total === null || this.peak === null) return;
        const dd = this.peak - total;
        const currency = this.currency();
        this.threshold(rule, 'total', 'above', rule.amount, rule.hysteresis, dd, {
          level: 'warning',
          title: `Drawdown ${formatMoney(dd, currency)} from the day's peak`,
          message: `Total P&L ${formatMoney(total, currency)} is ${formatMoney(dd, currency)} below today's peak of ${formatMoney(this.peak, currency)} (limit ${formatMoney(rule.amount, currency)}).`,
        });
        return;
      }
      case 'price': {
        const q = this.ledger
          .quotes()
          .find(
            (x) =>
              x.symbol === rule.symbol &&
              (rule.connectionId === undefined || x.connectionId === rule.connectionId),
          );
        // A stale price must not fire (or re-arm) anything: it may be hours old.
        if (q === undefined || freshness(q.receivedAt, now) === 'stale') return;
        const price = q.last > 0 ? q.last : (q.bid + q.ask) / 2;
        this.threshold(
          rule,
          `${q.connectionId}:${q.symbol}`,
          rule.direction,
          rule.level,
          rule.hysteresis,
          price,
          {
            level: 'info',
            title: `${q.symbol} ${rule.direction === 'above' ? 'at or above' : 'at or below'} ${rule.level}`,
            message: `${q.symbol} traded ${price} (level ${rule.level}).`,
            symbol: q.symbol,
            connectionId: q.connectionId,
          },
        );
        return;
      }
      case 'stale':
        for (const h of this.ledger.connections()) {
          if (h.state !== 'live' && h.state !== 'stale') continue;
          const age = h.lastMessageAt === null ? 0 : (now - h.lastMessageAt) / 1000;
          const staleFor = h.state === 'stale' ? Math.max(age, (now - h.since) / 1000) : age;
          this.condition(rule, h.id, staleFor >= rule.seconds, Math.round(staleFor), {
            level: 'warning',
            title: `${h.label}: feed silent`,
            message: `${h.label} has sent nothing for ${Math.round(staleFor)} s; prices and P&L from it are stale.`,
            connectionId: h.id,
          });
        }
        return;
      case 'unverified':
        for (const a of this.ledger.accounts()) {
          const key = `${a.connectionId}:${a.accountId}`;
          if (a.verified) this.unverifiedSince.delete(key);
          else if (!this.unverifiedSince.has(key)) this.unverifiedSince.set(key, now);
          const since = this.unverifiedSince.get(key);
          const secs = since === undefined ? 0 : (now - since) / 1000;
          this.condition(rule, key, since !== undefined && secs >= rule.seconds, Math.round(secs), {
            level: 'warning',
            title: `${a.name}: unverified`,
            message: `Account ${a.name} on ${a.connectionId} has not been reconciled for ${Math.round(secs)} s: its positions and P&L may be incomplete.`,
            connectionId: a.connectionId,
          });
        }
        return;
      default:
        return; // event rules fire from domain events
    }
  }

  private threshold(
    rule: AlertRule,
    subject: string,
    direction: 'above' | 'below',
    threshold: number,
    band: number,
    value: number,
    text: Pick<Firing, 'level' | 'title' | 'message' | 'symbol' | 'connectionId'>,
  ): void {
    const key = `${rule.id}|${subject}`;
    const c = crossing(direction, threshold, band, value, !this.disarmed.has(key));
    if (c.fire) {
      this.disarmed.add(key);
      this.fire({ rule, subject, value, lasting: true, ...text });
    } else if (c.rearm) {
      this.disarmed.delete(key);
      this.journal.append({ t: 'rearmed', ts: this.now(), ruleId: rule.id, subject, value });
      this.settle(key);
    }
  }

  /** A condition that holds for a while (stale, unverified): fires once, clears when it ends. */
  private condition(
    rule: AlertRule,
    subject: string,
    holds: boolean,
    value: number,
    text: Pick<Firing, 'level' | 'title' | 'message' | 'symbol' | 'connectionId'>,
  ): void {
    const key = `${rule.id}|${subject}`;
    if (holds && !this.disarmed.has(key)) {
      this.disarmed.add(key);
      this.fire({ rule, subject, value, lasting: true, ...text });
    } else if (!holds && this.disarmed.has(key)) {
      this.disarmed.delete(key);
      this.journal.append({ t: 'rearmed', ts: this.now(), ruleId: rule.id, subject, value });
      this.settle(key);
    }
  }

  /** The raised alert of a re-armed rule is no longer active (it stays until acknowledged). */
  private settle(key: string): void {
    const id = this.raised.get(key);
    this.raised.delete(key);
    if (id === undefined) return;
    const a = this.ledger.alerts().find((x) => x.id === id);
    if (a !== undefined && a.active) this.ledger.raiseAlert({ ...a, active: false });
  }

  private currency(): string {
    return this.ledger.accounts()[0]?.currency ?? 'USD';
  }

  /** Total P&L, or null while any open position is marked by a stale price. */
  private totalPnl(now: number): number | null {
    if (this.ledger.accounts().length === 0) return null;
    if (this.ledger.positions().some((p) => p.qty !== 0 && freshness(p.markedAt, now) === 'stale'))
      return null;
    return pnlSummary(this.ledger).totalPnl;
  }

  private pnlSubjects(
    rule: Extract<AlertRule, { kind: 'pnl' }>,
    now: number,
  ): {
    subject: string;
    label: string;
    value: number;
    currency: string;
    symbol?: string;
    connectionId?: string;
  }[] {
    if (rule.scope === 'total') {
      const v = this.totalPnl(now);
      return v === null ? [] : [{ subject: 'total', label: 'Total', value: v, currency: this.currency() }];
    }
    if (rule.scope === 'account')
      return this.ledger
        .accounts()
        .filter((a) => rule.account === undefined || `${a.connectionId}:${a.accountId}` === rule.account)
        .filter(
          (a) =>
            !this.hasStaleMark(now, (p) => p.connectionId === a.connectionId && p.accountId === a.accountId),
        )
        .map((a) => ({
          subject: `${a.connectionId}:${a.accountId}`,
          label: `Account ${a.name}`,
          value: this.ledger.brokerReportsPnl(a.connectionId, a.accountId)
            ? a.dayPnl
            : a.realizedPnl + a.unrealizedPnl - a.fees,
          currency: a.currency,
          connectionId: a.connectionId,
        }));
    return this.ledger
      .positions()
      .filter(
        (p) =>
          (rule.symbol === undefined || p.symbol === rule.symbol) &&
          (rule.account === undefined || `${p.connectionId}:${p.accountId}` === rule.account) &&
          (p.qty === 0 || freshness(p.markedAt, now) !== 'stale'),
      )
      .map((p) => ({
        subject: p.key,
        label: `${p.symbol} position`,
        value: p.unrealizedPnl + p.realizedPnl - p.fees,
        currency: p.currency,
        symbol: p.symbol,
        connectionId: p.connectionId,
      }));
  }

  private hasStaleMark(now: number, where: (p: Position) => boolean): boolean {
    return this.ledger
      .positions()
      .some((p) => p.qty !== 0 && where(p) && freshness(p.markedAt, now) === 'stale');
  }

  // ---------------------------------------------------------------- events

  private rulesOf<K extends AlertRule['kind']>(kind: K): Extract<AlertRule, { kind: K }>[] {
    return this.rules.filter((r): r is Extract<AlertRule, { kind: K }> => r.kind === kind);
  }

  private onHealth(h: ConnectionHealth): void {
    const before = this.lastState.get(h.id);
    this.lastState.set(h.id, h.state);
    if (before === h.state) return;
    const wasLost = this.lost.has(h.id);
    // Only a connection that was up can be lost: start-up passes through connecting too.
    if (!wasLost && LOST.has(h.state) && (before === 'live' || before === 'stale')) {
      this.lost.add(h.id);
      for (const rule of this.rulesOf('connection'))
        this.fire({
          rule,
          subject: `lost:${h.id}`,
          level: 'warning',
          title: `${h.label}: connection lost`,
          message: `${h.label} is ${h.state}${h.lastError === null ? '' : ` (${h.lastError})`}; its prices, orders and positions are not current until it reconnects.`,
          value: null,
          connectionId: h.id,
          lasting: true,
        });
    } else if (wasLost && h.state === 'live') {
      this.lost.delete(h.id);
      for (const rule of this.rulesOf('connection')) {
        this.settle(`${rule.id}|lost:${h.id}`);
        this.fire({
          rule,
          subject: `recovered:${h.id}`,
          level: 'info',
          title: `${h.label}: connection recovered`,
          message: `${h.label} is live again; its account is reconciled before it counts as verified.`,
          value: null,
          connectionId: h.id,
          lasting: false,
        });
      }
    }
  }

  private onFill(f: Fill): void {
    for (const rule of this.rulesOf('fill'))
      this.fire({
        rule,
        subject: `${f.connectionId}:${f.id}`,
        level: 'info',
        title: `Filled: ${f.side} ${f.qty} ${f.symbol} @ ${f.price}`,
        message: `${f.side === 'buy' ? 'Bought' : 'Sold'} ${f.qty} ${f.symbol} at ${f.price} on ${f.connectionId} (${f.accountId}).`,
        value: f.price,
        symbol: f.symbol,
        connectionId: f.connectionId,
        lasting: false,
      });
  }

  private onOrder(o: Order, previous: Order | undefined): void {
    if (o.status !== 'rejected' || previous?.status === 'rejected') return;
    for (const rule of this.rulesOf('rejected'))
      this.fire({
        rule,
        subject: `${o.connectionId}:${o.id}`,
        level: 'warning',
        title: `Order rejected: ${o.side} ${o.qty} ${o.symbol}`,
        message: `${o.connectionId} rejected ${o.side} ${o.qty} ${o.symbol}${o.rejectReason === null ? '' : `: ${o.rejectReason.replace(/\.$/, '')}`}.`,
        value: null,
        symbol: o.symbol,
        connectionId: o.connectionId,
        lasting: false,
      });
  }

  /**
   * The protection engine's seam: protection failed or fell back to terminal-managed. Called by
   * the engine from the protection engine's domain event once that exists.
   */
  protection(n: ProtectionNotice): void {
    for (const rule of this.rulesOf('protection'))
      this.fire({
        rule,
        subject: `${n.connectionId}:${n.symbol ?? ''}:${this.now()}`,
        level: n.kind === 'failed' ? 'critical' : 'warning',
        title: n.kind === 'failed' ? 'Protection failed' : 'Protection held by the terminal',
        message: n.message,
        value: null,
        ...(n.symbol === undefined ? {} : { symbol: n.symbol }),
        connectionId: n.connectionId,
        lasting: false,
      });
  }

  /** The signals gateway's seam (when it exists). */
  signal(n: SignalNotice): void {
    for (const rule of this.rulesOf('signal'))
      this.fire({
        rule,
        subject: `${n.source}:${this.now()}`,
        level: 'info',
        title: `Signal from ${n.source}`,
        message: n.message,
        value: null,
        ...(n.symbol === undefined ? {} : { symbol: n.symbol }),
        lasting: false,
      });
  }

  // ---------------------------------------------------------------- delivery

  private fire(f: Firing): void {
    const ts = this.now();
    const muted = this.paused() !== null;
    // Journaled first: what the trader was told is on disk even if delivery fails.
    this.journal.append({
      t: 'fired',
      ts,
      ruleId: f.rule.id,
      subject: f.subject,
      kind: f.rule.kind,
      level: f.level,
      title: f.title,
      message: f.message,
      value: f.value,
      muted,
    });
    const id = `rule:${f.rule.id}:${ts.toString(36)}:${(++this.seq).toString(36)}`;
    if (f.lasting) this.raised.set(`${f.rule.id}|${f.subject}`, id);
    this.log?.info({ ruleId: f.rule.id, subject: f.subject, value: f.value, muted }, 'alert fired');
    this.ledger.raiseAlert({
      id,
      ts,
      level: f.level,
      title: f.title,
      message: f.message,
      active: f.lasting,
      acknowledged: false,
      ruleId: f.rule.id,
      ...(f.symbol === undefined ? {} : { symbol: f.symbol }),
      ...(f.connectionId === undefined ? {} : { connectionId: f.connectionId }),
      sound: this.soundOn && f.rule.sound && !muted,
      ...(muted ? { muted: true } : {}),
    });
  }
}
