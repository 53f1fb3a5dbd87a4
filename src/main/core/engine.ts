/**
 * The Engine: the connections and the flow of their events. It starts and stops connections,
 * feeds what they report into the Ledger (which publishes domain events) and the BarStore, samples
 * their health, and exposes the stream through the StreamBatcher. Orders go through the
 * OrderDesk, charts through `openChart`, summaries through `reports`; `registerCommands` puts the
 * engine's channels on the host's CommandRouter.
 */
import { join } from 'node:path';
import type { AlertsConfig } from '../../shared/alerts';
import { fail, ok, type OrderOrigin, type Result } from '../../shared/contract';
import { type ConnectionHealth, isOrderDone, type Order } from '../../shared/domain';
import { positionKey } from '../../shared/keys';
import type { StatusReport } from '../../shared/status';
import type { Snapshot, StreamMessage } from '../../shared/stream';
import { signalNotice } from './alerts/signalNotice';
import { AlertEngine } from './alerts/engine';
import { AlertJournal } from './alerts/journal';
import { type AlertsStore, SessionAlertsStore } from './alerts/settings';
import { BarStore } from './bars';
import { StreamBatcher } from './batcher';
import { olderChart, openChart } from './charts';
import { CommandRouter } from './commands/router';
import type { Connection, ConnectionEvent } from './connection';
import { FILLS_FILE, FillsFile, TradeJournal } from './journal';
import { Ledger } from './ledger';
import { type Logger, silentLogger } from './log';
import { ClientOrderIds } from './orders/clientOrderIds';
import { OrderDesk } from './orders/desk';
import { realTimers, type Timers } from './orders/deadline';
import { PaperConnection } from './paper/connection';
import type { PaperFaults } from './paper/faults';
import { ProtectionEngine } from './protection/engine';
import { FileJournal, type IntentJournal, MemoryJournal } from './protection/journal';
import { type PnlSummary, pnlSummary, statusReport } from './reports';
import { RiskGuard } from './risk/guard';
import { depthByConnection, interestByConnection, sameSymbols } from './subscriptions/interest';

export interface EngineOptions {
  seed?: number;
  flushMs?: number;
  logger?: Logger;
  now?: () => number;
  /** Embed the paper broker (default true). */
  paper?: boolean;
  /** Faults for the paper broker (tests and demos of ambiguous outcomes). */
  paperFaults?: PaperFaults;
  /** The paper broker declares native OCO pairs and trailing stops (default: none). */
  paperNativeProtection?: boolean;
  connections?: Connection[];
  /** Deadline on every broker order call before its outcome counts as unknown. */
  orderDeadlineMs?: number;
  /** When to look up an order whose outcome is unknown (ms after it became unknown). */
  orderLookupScheduleMs?: readonly number[];
  /** Timers for order deadlines and lookups (tests pass a controllable clock). */
  timers?: Timers;
  /**
   * The protection engine's intent journal: a file path (the hosts: in the data directory), or a
   * journal object; in memory when absent (terminal-managed protection then does not survive a
   * restart).
   */
  protectionJournal?: string | IntentJournal;
  /** Where the alert journal lives (`<dataDir>/journal`); without one it is kept in memory. */
  dataDir?: string;
  /** How often alert rules and the daily loss limit are evaluated; 0: only when `evaluateRisk()` is called (tests). */
  alertTickMs?: number;
  /** How long the kill switch waits for positions to report flat. */
  killSwitchFlatWaitMs?: number;
}

/** Alert rules and the daily loss limit are read twice a second: fast enough for a trader, cheap. */
const ALERT_TICK_MS = 500;

/** How often connection health is sampled into the stream (ages and rates change without events). */
const HEALTH_POLL_MS = 1000;

export class Engine {
  private readonly log: Logger;
  private readonly now: () => number;
  readonly ledger: Ledger;
  readonly bars: BarStore;
  readonly batcher: StreamBatcher;
  readonly desk: OrderDesk;
  /** OCO, brackets and trailing stops: native at the broker when it can, else managed here. */
  readonly protection: ProtectionEngine;
  /** The trader's alert rules, evaluated here (never in a renderer). */
  readonly alerts: AlertEngine;
  /** Risk limits and the kill switch, in front of the desk. */
  readonly risk: RiskGuard;
  /** Every fill, kept in the data directory, paired into round trips. */
  readonly trades: TradeJournal;
  private alertsStore: AlertsStore = new SessionAlertsStore();
  private readonly alertTickMs: number;
  private alertTimer: NodeJS.Timeout | null = null;
  /** Every command channel's handler; the host's other parts (connections, workspace) add theirs. */
  readonly commands = new CommandRouter();
  private readonly conns = new Map<string, Connection>();
  private readonly started = new Set<string>();
  private running = false;
  private healthTimer: NodeJS.Timeout | null = null;
  /** The main watchlist's symbols (null: none chosen, every listing is watched). */
  private watchlist: readonly string[] | null = null;
  /** What each connection was last told to stream. */
  private readonly interest = new Map<string, ReadonlySet<string>>();
  private interestQueued = false;
  /** Listings whose order book ladders watch, with how many watch each. */
  private readonly depthWatches = new Map<string, { connectionId: string; symbol: string; count: number }>();
  /** What each connection was last told to stream depth for. */
  private readonly depthInterest = new Map<string, ReadonlySet<string>>();

  private constructor(opts: EngineOptions) {
    this.log = opts.logger ?? silentLogger();
    this.now = opts.now ?? Date.now;
    this.ledger = new Ledger({ logger: this.log.child({ component: 'ledger' }), now: this.now });
    this.bars = new BarStore();
    this.batcher = new StreamBatcher(this.ledger, this.bars, { flushMs: opts.flushMs, now: this.now });
    this.desk = new OrderDesk({
      ledger: this.ledger,
      connection: (id) => this.conns.get(id),
      logger: this.log,
      now: this.now,
      ids: new ClientOrderIds(this.now),
      timers: opts.timers,
      deadlineMs: opts.orderDeadlineMs,
      lookupScheduleMs: opts.orderLookupScheduleMs,
    });
    const protectionJournal = opts.protectionJournal;
    this.protection = new ProtectionEngine({
      ledger: this.ledger,
      desk: this.desk,
      connection: (id) => this.conns.get(id),
      journal:
        protectionJournal === undefined
          ? new MemoryJournal(this.now)
          : typeof protectionJournal === 'string'
            ? new FileJournal(protectionJournal, this.now)
            : protectionJournal,
      logger: this.log,
      now: this.now,
      timers: opts.timers,
      deadlineMs: opts.orderDeadlineMs,
    });
    const journal = new AlertJournal(
      opts.dataDir === undefined ? null : join(opts.dataDir, 'journal'),
      this.log.child({ component: 'journal' }),
    );
    this.trades = new TradeJournal({
      ledger: this.ledger,
      file: new FillsFile(
        opts.dataDir === undefined ? null : join(opts.dataDir, 'trades', FILLS_FILE),
        this.log.child({ component: 'trade-journal' }),
      ),
      now: this.now,
      logger: this.log.child({ component: 'trade-journal' }),
    });
    this.alerts = new AlertEngine({ ledger: this.ledger, journal, now: this.now, logger: this.log });
    this.risk = new RiskGuard({
      ledger: this.ledger,
      desk: this.desk,
      journal,
      timers: opts.timers ?? realTimers,
      now: this.now,
      logger: this.log,
      ...(opts.killSwitchFlatWaitMs === undefined ? {} : { flatWaitMs: opts.killSwitchFlatWaitMs }),
      // The kill switch ends every protection before it cancels what is left.
      endProtection: () => this.protection.cancelAllActive(),
    });
    this.risk.pausedUntil = () => this.alerts.paused();
    this.desk.guardWith(this.risk);
    this.applyAlertsConfig(this.alertsStore.view().config);
    this.alertTickMs = opts.alertTickMs ?? ALERT_TICK_MS;
    if (opts.paper ?? true)
      this.register(
        new PaperConnection({
          seed: opts.seed,
          now: this.now,
          logger: this.log,
          faults: opts.paperFaults,
          nativeProtection: opts.paperNativeProtection === true,
        }),
      );
    for (const c of opts.connections ?? []) this.register(c);
    this.registerCommands(this.commands);
    // A new position or working order can change what a connection must stream.
    for (const type of ['order', 'position'] as const)
      this.ledger.events.on(type, () => this.queueInterest());
  }

  /**
   * Where rules and limits are kept (the hosts: the settings file, or a profile); what it holds
   * is applied at once.
   */
  useAlertsStore(store: AlertsStore): void {
    this.alertsStore = store;
    this.applyAlertsConfig(store.view().config);
  }

  private applyAlertsConfig(config: AlertsConfig): void {
    this.alerts.configure(config.rules, config.sound);
    this.risk.setLimits(config.limits);
  }

  /** Reads every alert rule and the daily loss limit once (the tick does this on its own). */
  evaluateRisk(): void {
    this.alerts.evaluate();
    this.risk.evaluate();
  }

  /**
   * Where the trader's "hotkeys and one-click orders on live accounts" choice is read (the hosts:
   * the workspace's saved hotkey settings). Without one, hotkey and DOM actions are refused on
   * live accounts.
   */
  allowLiveOneClickWhen(allowed: () => boolean): void {
    this.desk.allowLiveOneClickWhen(allowed);
  }

  /** The trader's main watchlist changed (null: none chosen). */
  setWatchlist(symbols: readonly string[] | null): void {
    this.watchlist = symbols === null ? null : [...symbols];
    this.queueInterest();
  }

  /** Recompute subscriptions once per burst of changes, not per event. */
  private queueInterest(): void {
    if (this.interestQueued) return;
    this.interestQueued = true;
    queueMicrotask(() => {
      this.interestQueued = false;
      this.updateInterest();
    });
  }

  private updateInterest(): void {
    const wanted = interestByConnection({
      ledger: this.ledger,
      watchlist: this.watchlist,
      charts: this.bars.openListings(),
      triggers: this.protection.triggers(),
      depth: this.depthWatches.values(),
    });
    for (const c of this.conns.values()) {
      if (c.setInterest === undefined) continue;
      const symbols = wanted.get(c.id) ?? new Set<string>();
      if (sameSymbols(this.interest.get(c.id), symbols)) continue;
      this.interest.set(c.id, symbols);
      this.log.info({ connectionId: c.id, symbols: symbols.size }, 'subscriptions');
      c.setInterest(symbols);
    }
    // After the quotes' interest: a book is only streamed for a listing that streams.
    const books = depthByConnection(this.depthWatches, this.conns.keys());
    for (const c of this.conns.values()) {
      if (c.setDepthInterest === undefined || c.capabilities.depth !== true) continue;
      const symbols = books.get(c.id) ?? new Set<string>();
      const prev = this.depthInterest.get(c.id);
      if (sameSymbols(prev, symbols)) continue;
      this.depthInterest.set(c.id, symbols);
      for (const s of prev ?? []) if (!symbols.has(s)) this.ledger.dropDepth(c.id, s);
      this.log.info({ connectionId: c.id, symbols: symbols.size }, 'depth subscriptions');
      c.setDepthInterest(symbols);
    }
  }

  /** A ladder opened (+1) or closed (-1) on a listing's order book. */
  private watchDepth(connectionId: string, symbol: string, delta: 1 | -1): void {
    const key = `${connectionId}:${symbol}`;
    const w = this.depthWatches.get(key) ?? { connectionId, symbol, count: 0 };
    w.count = Math.max(0, w.count + delta);
    if (w.count === 0) this.depthWatches.delete(key);
    else this.depthWatches.set(key, w);
    this.queueInterest();
  }

  static create(opts: EngineOptions = {}): Engine {
    return new Engine(opts);
  }

  /** Parses and serves one command (any channel registered on `commands`). */
  dispatch(channel: string, payload: unknown): Promise<unknown> {
    return this.commands.dispatch(channel, payload);
  }

  /** The engine's channels: orders, positions, charts, connection actions, alerts. */
  private registerCommands(router: CommandRouter): void {
    router
      .register('term:stream.snapshot', () => this.snapshot())
      .register('term:orders.place', (req) => {
        // A trailing stop the broker cannot hold is the protection engine's to manage.
        const c = this.conns.get(req.connectionId);
        const origin = this.desk.checkOrigin(req, req.origin);
        if (!origin.ok) return origin;
        if (
          req.type === 'trailing_stop' &&
          req.trail !== undefined &&
          c !== undefined &&
          !c.capabilities.nativeTrailingStop
        )
          return this.protection
            .place({ ...req, kind: 'trailing', trail: req.trail, tif: req.tif })
            .then((r) => {
              if (!r.ok) return r;
              const o = this.ledger.orderByClientOrderId(r.value.orders.ts ?? '');
              return o === undefined
                ? fail('not_placed', r.value.note ?? 'The trailing stop is waiting for its activation price.')
                : ok(o);
            });
        return this.desk.place(req);
      })
      .register('term:protection.place', async (req) => {
        const r = await this.protection.place(req);
        // Its market must stream even before any of its orders rests (a trailing activation).
        this.queueInterest();
        return r;
      })
      .register('term:protection.cancel', (req) => this.protection.cancel(req.id))
      .register('term:orders.modify', (req) => this.desk.modify(req))
      .register('term:orders.cancel', (req) => this.desk.cancel(req))
      .register('term:orders.newClientOrderId', () => ok({ clientOrderId: this.desk.newClientOrderId() }))
      // Cancelling the symbol's orders also ends its protection, so nothing re-opens the position.
      .register('term:positions.close', async (req) => {
        if (req.cancelWorking === true && this.hasPosition(req)) {
          const cleared = await this.clearProtection(req, 'position was not closed');
          if (!cleared.ok) return cleared;
        }
        return this.desk.close(req);
      })
      .register('term:positions.flatten', async (req) => {
        const cleared = await this.clearProtection(req, 'position was not flattened');
        if (!cleared.ok) return cleared;
        return this.desk.flatten(req);
      })
      // The old side's protection goes first: its exits would add to the reversed position.
      .register('term:positions.reverse', async (req) => {
        if (this.hasPosition(req)) {
          const cleared = await this.clearProtection(req, 'position was not reversed');
          if (!cleared.ok) return cleared;
        }
        return this.desk.reverse(req);
      })
      // Protection first: a terminal trailing stop awaiting activation would otherwise survive and
      // open a position later. What it could not cancel is reported with the orders.
      .register('term:orders.cancelAll', async (req) => {
        const origin = this.desk.checkOrigin(req, req.origin);
        if (!origin.ok) return origin;
        const live = this.desk.tradingConnection(req.connectionId);
        if (!live.ok) return live;
        const before = this.ledger
          .orders()
          .filter(
            (o) =>
              o.connectionId === req.connectionId &&
              o.accountId === req.accountId &&
              o.symbol === req.symbol &&
              !isOrderDone(o.status),
          );
        const prot = await this.protection.cancelOn(req.connectionId, req.accountId, req.symbol);
        // The protection's own orders it cancelled count as cancelled here too.
        const byProtection = before
          .map((o) => this.ledger.order(o.connectionId, o.id))
          .filter((o): o is Order => o !== undefined && o.status === 'cancelled');
        const r = await this.desk.cancelAll(req);
        if (!r.ok) return r;
        return ok({
          ...r.value,
          cancelled: [...byProtection, ...r.value.cancelled],
          failed: [...prot.failed.map((f) => ({ orderId: f.id, message: f.message })), ...r.value.failed],
        });
      })
      .register('term:journal.trades', (req) => ok(this.trades.view(req)))
      .register('term:journal.exportCsv', (req) => this.trades.exportCsv(req.what, req))
      .register('term:charts.open', async (req) => {
        const r = await openChart(req, {
          ledger: this.ledger,
          bars: this.bars,
          connection: (id) => this.conns.get(id),
          now: this.now(),
          log: this.log,
        });
        this.queueInterest();
        return r;
      })
      .register('term:charts.history', (req) =>
        olderChart(req, { bars: this.bars, connection: (id) => this.conns.get(id), log: this.log }),
      )
      .register('term:charts.close', (req) => {
        this.bars.close(req.series);
        this.queueInterest();
        return ok({});
      })
      .register('term:depth.watch', (req) => {
        // A runaway client must not grow the map with listings nobody has.
        if (this.ledger.instrument(req.connectionId, req.symbol) === undefined)
          return fail('not_found', `${req.symbol} is not listed on ${req.connectionId}.`);
        this.watchDepth(req.connectionId, req.symbol, 1);
        return ok({});
      })
      .register('term:depth.unwatch', (req) => {
        this.watchDepth(req.connectionId, req.symbol, -1);
        return ok({});
      })
      .register('term:connections.reconnect', (req) => this.userAction(req.id, 'reconnect'))
      .register('term:connections.disconnect', (req) => this.userAction(req.id, 'disconnect'))
      .register('term:alerts.acknowledge', (req) =>
        this.ledger.acknowledgeAlert(req.id) ? ok({}) : fail('not_found', `There is no alert ${req.id}.`),
      )
      .register('term:alerts.config', () => ok(this.alertsStore.view()))
      // Kept first (settings file), then applied: rules that could not be saved are not in force.
      .register('term:alerts.saveConfig', (req) => {
        const saved = this.alertsStore.save(req);
        if (saved.ok) this.applyAlertsConfig(req);
        return saved;
      })
      .register('term:alerts.pause', (req) => {
        const until = req.minutes === 0 ? null : this.now() + req.minutes * 60_000;
        this.alerts.pause(until);
        return ok({ pausedUntil: until });
      })
      .register('term:alerts.history', () => ok(this.alerts.history()))
      .register('term:risk.status', () => ok(this.risk.status()))
      .register('term:risk.killSwitch', async (req) =>
        ok(await this.risk.fire(req.reason ?? 'kill switch fired by hand', req.flatten)),
      )
      .register('term:risk.unlock', () => this.risk.unlock('trader'));
  }

  /**
   * Ends the protection on one account's symbol before its orders are touched — only on a live
   * trading link (a stale one would drop the terminal's watch while the legs stay at the broker),
   * and never silently: a protection whose orders could not all be cancelled stays active and the
   * action stops with why.
   */
  private async clearProtection(
    req: { connectionId: string; accountId: string; symbol: string; origin?: OrderOrigin },
    outcome: string,
  ): Promise<Result<void>> {
    const origin = this.desk.checkOrigin(req, req.origin);
    if (!origin.ok) return origin;
    const live = this.desk.tradingConnection(req.connectionId);
    if (!live.ok) return live;
    const { failed } = await this.protection.cancelOn(req.connectionId, req.accountId, req.symbol);
    if (failed.length === 0) return ok(undefined);
    return fail(
      'protection_not_cancelled',
      `The ${req.symbol} ${outcome}: ${failed.map((f) => f.message).join(' ')}`,
    );
  }

  private hasPosition(where: { connectionId: string; accountId: string; symbol: string }): boolean {
    return (
      (this.ledger.position(positionKey(where.connectionId, where.accountId, where.symbol))?.qty ?? 0) !== 0
    );
  }

  private userAction(id: string, action: 'reconnect' | 'disconnect') {
    const c = this.conns.get(id);
    if (c === undefined) return fail('not_found', `There is no connection named "${id}".`);
    this.log.info({ connectionId: id, action }, 'user action');
    if (action === 'reconnect') c.reconnect();
    else c.disconnect();
    this.publishHealth(c);
    return ok({});
  }

  private register(c: Connection): void {
    if (this.conns.has(c.id)) throw new Error(`A connection with id "${c.id}" is already registered.`);
    this.conns.set(c.id, c);
    this.ledger.registerConnection(c.id, c.mode);
    this.publishHealth(c);
  }

  /** Health as the engine publishes it: the connection's own, plus what it can do. */
  private healthOf(c: Connection, h: ConnectionHealth = c.health()): ConnectionHealth {
    return { ...h, trading: c.capabilities.trading, capabilities: c.capabilities };
  }

  private publishHealth(c: Connection): void {
    this.ledger.apply(c.id, { type: 'health', health: this.healthOf(c) });
  }

  /**
   * Events from `c` only while it is the registered connection for its id: a removed (or replaced)
   * connection that still emits while it shuts down must not bring back what the ledger forgot.
   */
  private sinkFor(c: Connection): (connectionId: string, event: ConnectionEvent) => void {
    return (connectionId, event) => {
      if (this.conns.get(c.id) !== c) return;
      this.sink(
        connectionId,
        event.type === 'health' ? { type: 'health', health: this.healthOf(c, event.health) } : event,
      );
    };
  }

  private readonly sink = (connectionId: string, event: ConnectionEvent): void => {
    try {
      if (event.type === 'trade') {
        this.bars.onTrade(connectionId, event.symbol, event.price, event.size, event.ts);
        if (this.bars.hasChanges()) this.batcher.barsChanged();
        return;
      }
      if (event.type === 'signal') {
        // A gateway's trading signal is never executed: it is shown to the trader as an alert.
        this.alerts.signal(signalNotice(event.signal, this.conns.get(connectionId)?.label ?? connectionId));
        return;
      }
      this.ledger.apply(connectionId, event);
    } catch (err) {
      // One bad event must not take the feed down; it is logged with its connection.
      this.log.error({ connectionId, err, eventType: event.type }, 'event could not be applied');
    }
  };

  private async startConnection(c: Connection): Promise<void> {
    if (this.started.has(c.id)) return;
    this.started.add(c.id);
    try {
      await c.start(this.sinkFor(c));
      this.publishHealth(c);
      this.log.info({ connectionId: c.id, kind: c.kind }, 'connection started');
    } catch (err) {
      this.log.error({ connectionId: c.id, err }, 'connection failed to start');
      this.publishHealth(c);
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await Promise.all([...this.conns.values()].map((c) => this.startConnection(c)));
    this.healthTimer = setInterval(() => this.pollHealth(), HEALTH_POLL_MS);
    this.healthTimer.unref();
    if (this.alertTickMs > 0) {
      this.alertTimer = setInterval(() => this.evaluateRisk(), this.alertTickMs);
      this.alertTimer.unref();
    }
  }

  private pollHealth(): void {
    for (const c of this.conns.values()) this.publishHealth(c);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.healthTimer !== null) clearInterval(this.healthTimer);
    this.healthTimer = null;
    await this.protection.idle();
    this.protection.dispose();
    if (this.alertTimer !== null) clearInterval(this.alertTimer);
    this.alertTimer = null;
    this.alerts.dispose();
    this.trades.dispose();
    this.desk.dispose();
    await Promise.all(
      [...this.conns.values()].map((c) =>
        c.stop().catch((err: unknown) => this.log.warn({ connectionId: c.id, err }, 'stop failed')),
      ),
    );
    this.started.clear();
    this.batcher.flush();
    this.batcher.stop();
  }

  async addConnection(c: Connection): Promise<void> {
    this.register(c);
    if (this.running) await this.startConnection(c);
  }

  /**
   * Stops a connection and forgets it (removed by the user): its health row, accounts,
   * positions, orders, fills, quotes and instruments leave the ledger and the stream, so nothing
   * it reported stays listed as if current. Returns false when no such connection runs; the
   * ledger forgets the id anyway (a disabled connection's kept rows go when it is removed).
   */
  async removeConnection(id: string): Promise<boolean> {
    const c = await this.detach(id);
    this.ledger.forgetConnection(id);
    if (c !== undefined) this.log.info({ connectionId: id, kind: c.kind }, 'connection removed');
    return c !== undefined;
  }

  /**
   * Stops a connection but keeps what it reported (disabled by the user, kept in settings): the
   * health row stays, showing `stopped`, and its accounts are marked unverified, so its last
   * positions and orders stay visible for reference but never read as current. Removing the
   * connection later forgets them.
   */
  async disableConnection(id: string): Promise<boolean> {
    const c = await this.detach(id);
    if (c === undefined) return false;
    this.publishHealth(c);
    this.ledger.apply(id, { type: 'unverified' });
    this.log.info({ connectionId: id, kind: c.kind }, 'connection disabled');
    return true;
  }

  /** Takes a connection out of the engine and stops it; its events are ignored from now on. */
  private async detach(id: string): Promise<Connection | undefined> {
    const c = this.conns.get(id);
    if (c === undefined) return undefined;
    this.conns.delete(id);
    this.started.delete(id);
    try {
      await c.stop();
    } catch (err) {
      this.log.warn({ connectionId: id, err }, 'stop failed');
    }
    return c;
  }

  /**
   * Swaps in a new Connection under the same id (an edited config or credential). What the old
   * one reported stays on screen, unverified, until the new link reconciles its snapshot: a wrong
   * secret typed in the dialog must not make an account and its positions vanish. Only removing
   * the connection forgets them.
   */
  async replaceConnection(c: Connection): Promise<void> {
    const old = await this.detach(c.id);
    if (old !== undefined) {
      this.ledger.apply(c.id, { type: 'unverified' });
      this.log.info(
        { connectionId: c.id, kind: c.kind },
        'connection replaced; its accounts stay, unverified',
      );
    }
    await this.addConnection(c);
  }

  connection(id: string): Connection | undefined {
    return this.conns.get(id);
  }

  subscribe(listener: (m: StreamMessage) => void): () => void {
    return this.batcher.subscribe(listener);
  }

  snapshot(): Snapshot {
    return this.batcher.snapshot();
  }

  status(): StatusReport {
    return statusReport(this.ledger, this.conns.values(), this.now());
  }

  pnlSummary(): PnlSummary {
    return pnlSummary(this.ledger);
  }
}
