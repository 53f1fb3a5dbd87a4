/**
 * The demo-exchange link on the adapter kit — the template for real adapters. One link is three
 * endpoints: a REST login (`POST {rest}/session` → token), the trading socket (in-band `auth`
 * with that token, request / reply by `id`, numbered account events) and the public market-data
 * socket (`subscribe` replaces the symbol set). Only protocol lives here: backoff, heartbeats,
 * the resync gate, staleness and fill dedupe (the ledger's) do not.
 */
import type { ConnectionEvent, ResyncSnapshot } from '../../connection';
import type { Clock } from '../../supervisor/clock';
import {
  type Link,
  type LinkAdapter,
  type LinkContext,
  LinkError,
  type LinkHandlers,
  type LinkSocketSpec,
  RequestError,
  type RequestOptions,
} from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { readFrame } from '../kit/frames';
import { OutOfOrderGate } from '../kit/gate';
import { PendingRequests, RequestIds } from '../kit/pending';
import { type BrokerSocket, openSockets, upgradeRefusalKind } from '../kit/socket';
import { toAccount, toFill, toInstrument, toOrder, toPosition, toQuote } from './mapping';
import {
  AuthResult,
  LoginResult,
  MarketFrame,
  PingResult,
  Reply,
  SnapshotData,
  SubscribeRequest,
  TradingEvent,
  TradingFrame,
} from './messages';

export interface DemoExchangeLinkOptions {
  connectionId: string;
  label: string;
  /** Trading socket, market-data socket, REST base (`…/api`). */
  url: string;
  marketUrl: string;
  restUrl: string;
  user: string;
  password: string;
  /** The symbols the terminal wants streamed right now (read on every new link). */
  interest: () => ReadonlySet<string>;
  heartbeatMs?: number;
  maxConnectionAgeMs?: number;
  /** Frames above this size close the socket (1009) instead of exhausting memory. */
  maxPayloadBytes?: number;
  logger: SupervisorLogger;
}

/** The data stream the account events feed (named in staleness and `expectedCadenceMs`). */
export const ACCOUNT_STREAM = 'account';

export class DemoExchangeAdapter implements LinkAdapter {
  readonly heartbeatMs: number;
  readonly maxConnectionAgeMs?: number;
  // A silent market socket (nothing subscribed, quiet market) must not take trading down.
  readonly sockets: readonly LinkSocketSpec[] = [
    { name: 'trading', essential: true },
    { name: 'market', essential: false },
  ];

  constructor(private readonly o: DemoExchangeLinkOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 15_000;
    if (o.maxConnectionAgeMs !== undefined) this.maxConnectionAgeMs = o.maxConnectionAgeMs;
  }

  async open(handlers: LinkHandlers, signal: AbortSignal, context: LinkContext): Promise<Link> {
    const token = await this.login(signal);
    const maxPayload = this.o.maxPayloadBytes ?? 1024 * 1024;
    const sockets = await openSockets(
      {
        trading: { url: this.o.url, options: { maxPayload } },
        market: { url: this.o.marketUrl, options: { maxPayload } },
      },
      signal,
    );
    return new DemoExchangeLink(sockets.trading, sockets.market, token, handlers, this.o, context.clock);
  }

  /** A fresh token per link: tokens expire, the password does not. */
  private async login(signal: AbortSignal): Promise<string> {
    let res: Response;
    try {
      res = await fetch(`${this.o.restUrl}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: this.o.user, password: this.o.password }),
        signal,
      });
    } catch (err) {
      throw new LinkError('network', `login failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const kind = upgradeRefusalKind(res.status);
      throw new LinkError(
        kind,
        kind === 'auth' ? 'login refused: check the user and password' : `login failed: HTTP ${res.status}`,
      );
    }
    const parsed = LoginResult.safeParse(body);
    if (!parsed.success) throw new LinkError('protocol', 'login answer without a token');
    return parsed.data.token;
  }
}

class DemoExchangeLink implements Link {
  private readonly pending: PendingRequests<number>;
  private readonly ids = new RequestIds();
  /** Event `seq` per order / position: a late copy never rolls state back. */
  private readonly gate = new OutOfOrderGate();
  private accountId: string | null = null;
  /** We are closing the link: the market leg's close is ours, the trading leg's reports it. */
  private closing = false;
  private reported = false;

  constructor(
    private readonly trading: BrokerSocket,
    private readonly market: BrokerSocket,
    private readonly token: string,
    private readonly h: LinkHandlers,
    private readonly o: DemoExchangeLinkOptions,
    private readonly clock: Clock,
  ) {
    this.pending = new PendingRequests<number>(clock);
    trading.attach({
      message: (data, isBinary) => this.onTrading(data, isBinary),
      oversized: (detail) => this.h.malformed('oversized frame', detail),
      error: (err) => this.o.logger.warn({ connectionId: o.connectionId, err }, 'trading socket error'),
      closed: (info) => this.end(info, 'trading'),
    });
    market.attach({
      message: (data, isBinary) => this.onMarket(data, isBinary),
      oversized: (detail) => this.h.malformed('oversized market frame', detail),
      error: (err) => this.o.logger.warn({ connectionId: o.connectionId, err }, 'market socket error'),
      // One link is both legs: without quotes the trader would be looking at frozen prices.
      closed: (info) =>
        this.end({ code: 4000, reason: `market data socket closed (${info.code})` }, 'market'),
    });
  }

  async authenticate(signal: AbortSignal): Promise<void> {
    try {
      const result = AuthResult.parse(await this.call('auth', { token: this.token }, { signal }));
      this.accountId = result.user;
    } catch (err) {
      if (err instanceof RequestError && err.code === '401') throw new LinkError('auth', err.message);
      throw asLinkError(err);
    }
    this.subscribe(this.o.interest());
  }

  async resync(signal: AbortSignal): Promise<ResyncSnapshot> {
    let raw: unknown;
    try {
      raw = await this.call('snapshot', {}, { signal });
    } catch (err) {
      throw asLinkError(err);
    }
    const parsed = SnapshotData.safeParse(raw);
    if (!parsed.success) throw new LinkError('protocol', 'snapshot reply did not parse');
    const d = parsed.data;
    const cid = this.o.connectionId;
    const accountId = this.account();
    // Held by the supervisor's resync gate and applied right after the snapshot.
    for (const i of d.instruments) this.h.event({ type: 'instrument', instrument: toInstrument(i, cid) });
    const orders = d.orders.flatMap((x) => toOrder(x, cid, accountId) ?? []);
    const fills = d.fills.flatMap((x) => toFill(x, cid, accountId) ?? []);
    return {
      accounts: [toAccount(d.account, accountId, this.o.label)],
      orders,
      fills,
      positions: d.positions.filter((p) => p.qty !== 0).map((p) => toPosition(p, accountId)),
    };
  }

  ping(): void {
    this.call('ping', {}, {}).then(
      (r) => {
        const p = PingResult.safeParse(r);
        this.h.pong(p.success ? p.data.ts : null, 'trading');
      },
      () => undefined,
    );
  }

  keepalive(socket?: string): void {
    if (socket === undefined || socket === 'trading')
      this.trading.send({ id: this.ids.take(), op: 'heartbeat' });
  }

  /**
   * `place` `{order}`, `cancel` `{orderId}`, `orders` `{}` go to the trading socket and resolve with
   * the reply's result; `subscribe` `{symbols}` goes to the market socket and has no reply.
   */
  request(op: string, payload: unknown, opts: RequestOptions): Promise<unknown> {
    if (op === 'subscribe') {
      const r = SubscribeRequest.safeParse(payload);
      if (!r.success)
        return Promise.reject(
          new RequestError('rejected', 'subscribe: a list of symbols is required', { code: 'bad_request' }),
        );
      this.subscribe(new Set(r.data.symbols));
      return Promise.resolve(undefined);
    }
    if (op !== 'place' && op !== 'cancel' && op !== 'orders')
      return Promise.reject(new RequestError('unsupported', `${op}: not offered by the demo exchange`));
    return this.call(op, payload, opts);
  }

  close(code: number, reason: string): void {
    this.closing = true;
    this.market.close(1000, 'closing');
    this.trading.close(code, reason);
  }

  terminate(): void {
    this.market.terminate();
    this.trading.terminate();
  }

  // ---- internals -----------------------------------------------------------------------------

  private account(): string {
    if (this.accountId === null) throw new LinkError('protocol', 'no account before login');
    return this.accountId;
  }

  private subscribe(symbols: ReadonlySet<string>): void {
    this.market.send({ op: 'subscribe', symbols: [...symbols].sort() });
  }

  /** One request on the trading socket; the waiter is registered before the frame leaves. */
  private call(op: string, payload: unknown, opts: Partial<RequestOptions>): Promise<unknown> {
    if (!this.trading.open) return Promise.reject(new RequestError('not_connected', `${op}: not connected`));
    const id = this.ids.take();
    const reply = this.pending.wait(id, {
      op,
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    const body = typeof payload === 'object' && payload !== null ? payload : {};
    this.trading.send({ ...body, id, op });
    return reply;
  }

  /** The link ends when either leg closes; the supervisor hears it once. */
  private end(info: { code: number; reason: string }, leg: 'trading' | 'market'): void {
    if (this.reported || (leg === 'market' && this.closing)) return;
    this.reported = true;
    this.pending.close(`closed (${info.code})`);
    if (leg === 'trading') this.market.terminate();
    else this.trading.terminate();
    this.h.closed(info);
  }

  private onTrading(data: Buffer, isBinary: boolean): void {
    this.h.frame('trading');
    const messages = readFrame(TradingFrame, data, isBinary, this.h);
    if (messages === null) return;
    const out: ConnectionEvent[] = [];
    let late = 0;
    for (const m of messages) {
      const reply = Reply.safeParse(m);
      if (reply.success) {
        this.onReply(reply.data);
        continue;
      }
      const ev = TradingEvent.safeParse(m);
      if (!ev.success) {
        this.h.malformed(
          `trading message: ${ev.error.issues[0]?.path.join('.') ?? ''}`,
          JSON.stringify(m).slice(0, 200),
        );
        continue;
      }
      const e = ev.data;
      if (e.event === 'shutdown') {
        this.o.logger.warn(
          { connectionId: this.o.connectionId, reason: e.data.reason },
          'server shutting the socket',
        );
        continue;
      }
      const accountId = this.accountId;
      if (accountId === null) continue;
      const cid = this.o.connectionId;
      switch (e.event) {
        case 'order': {
          if (!this.gate.fresh(`o:${e.data.id}`, e.seq)) {
            late += 1;
            break;
          }
          const order = toOrder(e.data, cid, accountId);
          if (order === null) this.h.malformed('order with non-positive quantity', JSON.stringify(e.data));
          else out.push({ type: 'order', order });
          break;
        }
        case 'position':
          if (this.gate.fresh(`p:${e.data.symbol}`, e.seq))
            out.push({ type: 'position', position: toPosition(e.data, accountId) });
          else late += 1;
          break;
        case 'account':
          // The steady stream: it proves the account feed alive and carries exchange time.
          this.h.data(ACCOUNT_STREAM, e.data.ts);
          if (this.gate.fresh('a', e.seq))
            out.push({ type: 'account', account: toAccount(e.data, accountId, this.o.label) });
          else late += 1;
          break;
        case 'fill': {
          // Replays pass through: the ledger dedupes fills by execution id.
          const fill = toFill(e.data, cid, accountId);
          if (fill === null) this.h.malformed('fill with non-positive quantity', JSON.stringify(e.data));
          else out.push({ type: 'fill', fill });
          break;
        }
      }
    }
    if (late > 0)
      this.o.logger.info({ connectionId: this.o.connectionId, late }, 'out-of-order updates dropped');
    for (const e of out) this.h.event(e);
  }

  private onReply(r: { id: number | null; status: number; result?: unknown; error?: string }): void {
    if (r.id === null) {
      this.o.logger.warn(
        { connectionId: this.o.connectionId, status: r.status, error: r.error },
        'request refused',
      );
      return;
    }
    if (r.status >= 200 && r.status < 300) {
      this.pending.resolve(r.id, r.result);
      return;
    }
    // 5xx: the exchange may have executed it before failing, so the outcome is unknown.
    this.pending.reject(
      r.id,
      new RequestError('rejected', r.error ?? `HTTP ${r.status}`, {
        code: String(r.status),
        ambiguous: r.status >= 500,
      }),
    );
  }

  private onMarket(data: Buffer, isBinary: boolean): void {
    this.h.frame('market');
    const frame = readFrame(MarketFrame, data, isBinary, this.h);
    if (frame === null || !('s' in frame)) return;
    this.h.event({ type: 'quote', quote: toQuote(frame, this.o.connectionId, this.clock.now()) });
  }
}

/** The supervisor's policy reads `LinkError` kinds; anything else is a network failure. */
function asLinkError(err: unknown): Error {
  if (err instanceof LinkError) return err;
  return new LinkError('network', err instanceof Error ? err.message : String(err));
}
