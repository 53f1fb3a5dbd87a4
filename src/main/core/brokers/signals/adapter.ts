/**
 * The signals link (seed 003, `protocols/gateways.md` §3): one socket at `/ws?client_id=<id>`,
 * subscriptions per channel (first-phase servers ignore them and send everything, or answer them
 * with an `error`: both are fine), `{"type":"ping"}` every 30 s answered by `pong`. The first
 * `portfolio_update` after connecting is the resync snapshot (the protocol has no snapshot
 * request). Prices become quotes, the portfolio positions, `trade_executed` fills, and `signal`
 * a `signal` event for the signals panel and the alert engine: never an order.
 */
import { createHash } from 'node:crypto';
import type { Instrument, Quote, Side } from '../../../../shared/domain';
import type { ConnectionEvent, ReportedPosition, ResyncSnapshot } from '../../connection';
import { type Clock, systemClock } from '../../supervisor/clock';
import {
  type HeartbeatOptions,
  heartbeatFromInterval,
  type Link,
  type LinkAdapter,
  type LinkContext,
  LinkError,
  type LinkHandlers,
} from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { readFrame } from '../kit/frames';
import { OutOfOrderGate } from '../kit/gate';
import { gatewayInstrument } from '../kit/instruments';
import { type BrokerSocket, openSocket } from '../kit/socket';
import { CHANNELS, type PortfolioPosition, type PriceFields, ServerFrame } from './messages';

export interface SignalsLinkOptions {
  connectionId: string;
  label: string;
  url: string;
  /** Sent as `client_id`; the server makes one up when absent. */
  clientId?: string;
  /** The account the gateway's portfolio is shown under (the protocol names none). */
  accountId?: string;
  /** Ping interval (seed: 30 s); dead after two without any frame. */
  heartbeatMs?: number;
  maxConnectionAgeMs?: number;
  maxPayloadBytes?: number;
  logger: SupervisorLogger;
}

export class SignalsAdapter implements LinkAdapter {
  readonly heartbeat: HeartbeatOptions;
  readonly maxConnectionAgeMs?: number;
  /** The symbols the terminal wants priced; empty: all of them. Outlives links. */
  private interest: ReadonlySet<string> = new Set();
  private current: SignalsLink | null = null;

  constructor(private readonly o: SignalsLinkOptions) {
    this.heartbeat = heartbeatFromInterval(o.heartbeatMs ?? 30_000);
    if (o.maxConnectionAgeMs !== undefined) this.maxConnectionAgeMs = o.maxConnectionAgeMs;
  }

  async open(handlers: LinkHandlers, signal: AbortSignal, context?: LinkContext): Promise<Link> {
    const url = new URL(this.o.url);
    if (this.o.clientId !== undefined) url.searchParams.set('client_id', this.o.clientId);
    const socket = await openSocket(
      url.toString(),
      { maxPayload: this.o.maxPayloadBytes ?? 1024 * 1024 },
      signal,
    );
    const link = new SignalsLink(
      socket,
      handlers,
      this.o,
      context?.clock ?? systemClock,
      () => this.interest,
    );
    this.current = link;
    return link;
  }

  /** The terminal's interest changed: a server that honours subscriptions streams just these. */
  setInterest(symbols: ReadonlySet<string>): void {
    this.interest = new Set(symbols);
    this.current?.subscribePrices();
  }
}

class SignalsLink implements Link {
  private snapshot: ((s: ResyncSnapshot) => void) | null = null;
  private snapshotFailed: ((e: Error) => void) | null = null;
  private readonly snapshotPromise: Promise<ResyncSnapshot>;
  private readonly gate = new OutOfOrderGate();
  private readonly quotes = new Map<string, Quote>();
  private readonly instruments = new Set<string>();
  /** Symbols of the last portfolio: one missing from the next is flat. */
  private held = new Set<string>();
  private readonly accountId: string;
  private pricedSymbols = '';

  constructor(
    private readonly socket: BrokerSocket,
    private readonly h: LinkHandlers,
    private readonly o: SignalsLinkOptions,
    private readonly clock: Clock,
    private readonly interest: () => ReadonlySet<string>,
  ) {
    this.accountId = o.accountId ?? o.clientId ?? 'signals';
    this.snapshotPromise = new Promise<ResyncSnapshot>((resolve, reject) => {
      this.snapshot = resolve;
      this.snapshotFailed = reject;
    });
    this.snapshotPromise.catch(() => undefined);
    socket.attach({
      message: (data, isBinary) => this.onFrame(data, isBinary),
      oversized: (detail) => this.h.malformed('oversized frame', detail),
      error: (err) => this.o.logger.warn({ connectionId: o.connectionId, err: err.message }, 'socket error'),
      closed: (info) => {
        this.snapshotFailed?.(new LinkError('network', `closed (${info.code})`));
        this.h.closed(info);
      },
    });
  }

  authenticate(): Promise<void> {
    // No authentication in seed 003; subscribing is all there is (ignored by first-phase servers).
    for (const channel of CHANNELS)
      if (channel !== 'price_updates') this.socket.send({ type: 'subscribe', channel });
    this.subscribePrices();
    return Promise.resolve();
  }

  subscribePrices(): void {
    const symbols = [...this.interest()].sort();
    const key = symbols.join(',');
    if (key === this.pricedSymbols && this.pricedSymbols !== '') return;
    this.pricedSymbols = key;
    this.socket.send({
      type: 'subscribe',
      channel: 'price_updates',
      ...(symbols.length > 0 ? { symbols } : {}),
    });
  }

  resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(new LinkError('network', 'aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.snapshotPromise.then(
        (s) => {
          signal.removeEventListener('abort', onAbort);
          resolve(s);
        },
        (err: unknown) => reject(err instanceof Error ? err : new LinkError('network', String(err))),
      );
    });
  }

  ping(): void {
    this.socket.send({ type: 'ping' });
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    this.h.frame();
    const frame = readFrame(ServerFrame, data, isBinary, this.h);
    if (frame === null) return;
    const now = this.clock.now();
    switch (frame.type) {
      case 'pong':
        return this.h.pong(frame.timestamp ?? null);
      case 'error': {
        const text = frame.error ?? frame.message ?? 'error';
        // First-phase servers refuse subscriptions they do not know: they send everything anyway.
        if (/subscri/i.test(text)) {
          this.o.logger.info(
            { connectionId: this.o.connectionId, error: text },
            'subscriptions not supported',
          );
          return;
        }
        this.h.error?.(`gateway: ${text}`);
        return;
      }
      case 'price_update': {
        const ts = frame.timestamp ?? now;
        this.h.data('prices', frame.timestamp ?? null);
        let late = 0;
        for (const [symbol, f] of Object.entries(frame.symbols))
          if (!this.onPrice(symbol, f, ts, now)) late += 1;
        if (late > 0)
          this.o.logger.info({ connectionId: this.o.connectionId, late }, 'out-of-order updates dropped');
        return;
      }
      case 'signal': {
        const side = sideOf(frame.signal_type);
        if (side === null)
          return this.h.malformed(
            `signal type ${frame.signal_type} is neither BUY nor SELL`,
            data.toString('utf8'),
          );
        this.h.data('signals', frame.timestamp);
        this.emit({
          type: 'signal',
          signal: {
            id: idOf(['signal', frame.timestamp, frame.symbol, side, frame.price, frame.quantity]),
            connectionId: this.o.connectionId,
            symbol: frame.symbol,
            side,
            price: frame.price ?? null,
            qty: frame.quantity ?? null,
            confidence: frame.confidence ?? null,
            ts: frame.timestamp,
            receivedAt: now,
          },
        });
        return;
      }
      case 'trade_executed': {
        const side = sideOf(frame.side);
        if (side === null || !(frame.quantity > 0))
          return this.h.malformed('trade with no side or quantity', data.toString('utf8'));
        this.h.data('trades', frame.timestamp);
        // No execution id in the protocol: one is derived from the trade itself, so a replayed
        // frame dedupes in the ledger (two identical trades in the same microsecond would merge).
        const id = idOf(['trade', frame.timestamp, frame.symbol, side, frame.quantity, frame.price]);
        this.instrument(frame.symbol);
        this.emit({
          type: 'fill',
          fill: {
            id,
            orderId: `trade:${id}`,
            connectionId: this.o.connectionId,
            accountId: this.accountId,
            symbol: frame.symbol,
            side,
            qty: frame.quantity,
            price: frame.price,
            commission: 0,
            ts: frame.timestamp,
          },
        });
        return;
      }
      case 'portfolio_update': {
        const ts = frame.timestamp ?? now;
        this.h.data('portfolio', frame.timestamp ?? null);
        const positions = this.positions(frame.data.positions ?? {}, ts);
        if (this.snapshot !== null) {
          const resolve = this.snapshot;
          this.snapshot = null;
          this.snapshotFailed = null;
          for (const p of positions) this.gate.fresh(`p:${p.symbol}`, ts);
          resolve({ accounts: [], orders: [], fills: [], positions: positions.filter((p) => p.qty !== 0) });
          return;
        }
        let late = 0;
        for (const p of positions)
          if (this.gate.fresh(`p:${p.symbol}`, ts)) this.emit({ type: 'position', position: p });
          else late += 1;
        if (late > 0)
          this.o.logger.info({ connectionId: this.o.connectionId, late }, 'out-of-order updates dropped');
        return;
      }
    }
  }

  /** The portfolio as positions, with a flat one for every symbol that left it since last time. */
  private positions(dict: Record<string, PortfolioPosition>, ts: number): ReportedPosition[] {
    const out: ReportedPosition[] = [];
    const now = new Set<string>();
    for (const [key, p] of Object.entries(dict)) {
      const symbol = p.symbol ?? key;
      now.add(symbol);
      this.instrument(symbol);
      const mark = p.market_price ?? null;
      out.push({
        accountId: this.accountId,
        symbol,
        qty: p.quantity,
        avgPrice: p.average_price,
        mark,
        markedAt: mark === null ? null : ts,
      });
    }
    for (const symbol of this.held)
      if (!now.has(symbol))
        out.push({ accountId: this.accountId, symbol, qty: 0, avgPrice: 0, mark: null, markedAt: ts });
    this.held = now;
    return out;
  }

  /** Partial fields merge into the last known quote: a missing field keeps its value. */
  /** False when the update is older than one already applied (dropped). */
  private onPrice(symbol: string, f: PriceFields, ts: number, now: number): boolean {
    const prev = this.quotes.get(symbol);
    const price = f.price ?? f.close ?? prev?.last;
    if (price === undefined) return true;
    if (!this.gate.fresh(`q:${symbol}`, ts)) return false;
    this.instrument(symbol);
    const quote: Quote = {
      symbol,
      connectionId: this.o.connectionId,
      // The gateway publishes one price, no book: bid, ask and last are that price.
      bid: price,
      ask: price,
      last: price,
      bidSize: 0,
      askSize: 0,
      open: f.open ?? prev?.open ?? (f.change != null ? price - f.change : price),
      volume: f.volume ?? prev?.volume ?? 0,
      ts,
      receivedAt: now,
    };
    this.quotes.set(symbol, quote);
    this.emit({ type: 'quote', quote });
    return true;
  }

  private instrument(symbol: string): void {
    if (this.instruments.has(symbol)) return;
    this.instruments.add(symbol);
    const instrument: Instrument = gatewayInstrument(symbol, this.o.connectionId);
    this.emit({ type: 'instrument', instrument });
  }

  private emit(e: ConnectionEvent): void {
    this.h.event(e);
  }
}

function sideOf(raw: string): Side | null {
  const s = raw.trim().toLowerCase();
  return s === 'buy' ? 'buy' : s === 'sell' ? 'sell' : null;
}

function idOf(parts: readonly unknown[]): string {
  return createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 20);
}
