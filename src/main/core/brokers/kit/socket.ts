/**
 * Opening a broker WebSocket the way every adapter must: headers on the upgrade, a frame-size
 * limit enforced by `ws` before the frame is buffered (closed 1009), upgrade refusals mapped to a
 * `LinkError` kind the supervisor's policy understands, abort while connecting, and the close code
 * we chose remembered (ws reports 1006 when the peer never echoes our close frame).
 */
import { WebSocket } from 'ws';
import type { CloseInfo } from '../../supervisor/link';
import { LinkError, type LinkErrorKind } from '../../supervisor/link';

export interface OpenSocketOptions {
  headers?: Record<string, string>;
  /** Frames above this size close the socket (1009) instead of exhausting memory. Default 1 MiB. */
  maxPayload?: number;
}

export interface SocketHandlers {
  message(data: Buffer, isBinary: boolean): void;
  /** A frame above `maxPayload`: the socket is closing with 1009. */
  oversized(detail: string): void;
  /** Any other socket error (the close that follows is reported separately). */
  error(err: Error): void;
  closed(info: CloseInfo): void;
  /**
   * A ping from the server (`ws` answers it with a pong echoing the payload on its own): proof
   * the transport is alive where the server pings and sends nothing else (Binance, every 20 s).
   */
  ping?(data: Buffer): void;
}

/** What an HTTP status on a refused upgrade means for the retry policy. */
export function upgradeRefusalKind(status: number): LinkErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429 || status === 503) return 'capacity';
  return 'network';
}

/**
 * An open socket. Frames, errors and the close that arrive before `attach()` are kept and replayed
 * in order, so an adapter may finish building its link after the `await` without losing the
 * server's first words (which can ride in the same TCP read as the upgrade reply).
 */
export class BrokerSocket {
  private handlers: SocketHandlers | null = null;
  /** What happened before `attach()`, replayed in order (the upgrade reply can carry frames). */
  private early: (() => void)[] = [];
  private localClose: CloseInfo | null = null;
  private closedFlag = false;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // The hot path: once attached, no closure per frame.
      const h = this.handlers;
      if (h !== null) h.message(data, isBinary);
      else this.deliver((x) => x.message(data, isBinary));
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.localClose = { code: 1009, reason: 'frame too large' };
        this.deliver((h) => h.oversized(err.message));
      } else this.deliver((h) => h.error(err));
    });
    ws.on('ping', (data: Buffer) => this.deliver((h) => h.ping?.(data)));
    ws.on('close', (code: number, reason: Buffer) => {
      this.closedFlag = true;
      const info =
        code === 1006 && this.localClose !== null
          ? this.localClose
          : { code, reason: reason.toString('utf8') };
      this.deliver((h) => h.closed(info));
    });
  }

  private deliver(fn: (h: SocketHandlers) => void): void {
    const h = this.handlers;
    if (h !== null) fn(h);
    else this.early.push(() => this.handlers !== null && fn(this.handlers));
  }

  /** Start delivering events to `handlers`, beginning with any that arrived before. */
  attach(handlers: SocketHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    for (const run of early) run();
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Send text (objects are JSON-encoded); a no-op once the socket is no longer open. */
  send(msg: unknown): boolean {
    if (!this.open) return false;
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closedFlag) return;
    this.localClose = { code, reason };
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** Open `url`; rejects with a `LinkError` on refusal, failure or abort. */
export function openSocket(url: string, opts: OpenSocketOptions, signal: AbortSignal): Promise<BrokerSocket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new LinkError('network', 'connect aborted'));
      return;
    }
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const ws = new WebSocket(url, {
      ...(opts.headers === undefined ? {} : { headers: opts.headers }),
      maxPayload: opts.maxPayload ?? 1024 * 1024,
      perMessageDeflate: false,
    });
    // Listeners go on before any event can fire, so no early frame is missed.
    const socket = new BrokerSocket(ws);
    const onAbort = (): void => {
      ws.terminate();
      settle(() => reject(new LinkError('network', 'connect aborted')));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      ws.terminate();
      settle(() => reject(new LinkError(upgradeRefusalKind(status), `upgrade refused: HTTP ${status}`)));
    });
    ws.once('open', () => settle(() => resolve(socket)));
    ws.on('error', (err) => settle(() => reject(new LinkError('network', err.message))));
    ws.once('close', (code, reason) =>
      settle(() => reject(new LinkError('network', `closed before open (${code} ${reason.toString()})`))),
    );
  });
}

/**
 * Open the named sockets of one link together (trading + market data, WebSocket API + streams).
 * All or nothing: if any fails, the ones already open are terminated and the first failure is
 * thrown, so a link never starts with a missing leg.
 */
export async function openSockets<N extends string>(
  targets: Readonly<Record<N, { url: string; options?: OpenSocketOptions }>>,
  signal: AbortSignal,
): Promise<Record<N, BrokerSocket>> {
  const names = Object.keys(targets) as N[];
  const results = await Promise.allSettled(
    names.map((n) => openSocket(targets[n].url, targets[n].options ?? {}, signal)),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    for (const r of results) if (r.status === 'fulfilled') r.value.terminate();
    throw failed.reason;
  }
  const out = {} as Record<N, BrokerSocket>;
  names.forEach((n, i) => {
    const r = results[i];
    if (r?.status === 'fulfilled') out[n] = r.value;
  });
  return out;
}
