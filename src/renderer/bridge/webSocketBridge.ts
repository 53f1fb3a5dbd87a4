/**
 * `TerminalApi` over the web host's WebSocket (see src/shared/wire.ts), for browsers that have no
 * Electron preload. Verbs are generated from `verbs`, so a new channel needs no change here.
 *
 * Calls are never queued while the socket is down: an order must not be sent minutes after the
 * trader clicked. A call in flight when the socket drops is rejected as "result unknown".
 */
import { verbs, type Channel } from '../../shared/channels';
import { contract } from '../../shared/contract';
import type { StreamListener, TerminalApi, TerminalCommands } from '../../shared/api';
import type { StreamMessage } from '../../shared/stream';
import { Snapshot } from '../../shared/stream';
import { TOKEN_PARAM, WEB_SOCKET_PATH, type ClientFrame } from '../../shared/wire';
import { LinkState } from './linkState';

/** What the bridge needs from a socket; `domSocket` is the browser one, tests plug in `ws`. */
export interface SocketLike {
  isOpen(): boolean;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(code: number, reason: string): void;
}
export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketLike;

export const domSocket: OpenSocket = (url, h) => {
  const ws = new WebSocket(url);
  ws.onopen = () => h.onOpen();
  ws.onmessage = (ev) => h.onMessage(ev.data);
  // 'error' is always followed by 'close', which carries the code we decide on.
  ws.onclose = (ev) => h.onClose(ev.code, ev.reason);
  return {
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
};

export interface WebBridgeOptions {
  /** e.g. `ws://127.0.0.1:5123/ws?token=…` */
  url: string;
  openSocket?: OpenSocket;
  /** Asked when the socket never opened: is the token the reason? (HTTP 401/403 → yes). */
  probeRejected?: () => Promise<boolean>;
  backoff?: { baseMs: number; capMs: number };
  callTimeoutMs?: number;
}

export interface WebBridge {
  api: TerminalApi;
  link: LinkState;
  stats: { malformedFrames: number };
  dispose(): void;
}

/** Close codes a host uses to say "your token is wrong": policy violation and the 44xx family. */
const REJECT_CODES = new Set([1008, 4001, 4003, 4401, 4403]);

export function webSocketUrl(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string | null {
  const token = new URLSearchParams(loc.search).get(TOKEN_PARAM);
  if (!token) return null;
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${WEB_SOCKET_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

interface Pending {
  channel: Channel;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export function createWebBridge(options: WebBridgeOptions): WebBridge {
  const openSocket = options.openSocket ?? domSocket;
  const backoff = options.backoff ?? { baseMs: 500, capMs: 10_000 };
  const callTimeoutMs = options.callTimeoutMs ?? 15_000;
  const link = new LinkState();
  const listeners = new Set<StreamListener>();
  const pending = new Map<number, Pending>();
  const stats = { malformedFrames: 0 };
  let nextId = 1;
  let socket: SocketLike | null = null;
  let everOpened = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const emit = (message: StreamMessage): void => {
    for (const l of listeners) l(message);
  };

  const malformed = (why: string, raw: unknown): void => {
    stats.malformedFrames++;
    console.warn(`[bridge] dropped malformed frame (${why}):`, String(raw).slice(0, 200));
  };

  const call = (channel: Channel, payload: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (!socket || !socket.isOpen()) {
        reject(new Error('Not connected to the Peregrine host; nothing was sent.'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`No answer from the host for ${channel}; the result is unknown.`));
      }, callTimeoutMs);
      pending.set(id, { channel, resolve, reject, timer });
      const frame: ClientFrame = { t: 'call', id, channel, payload: payload ?? {} };
      socket.send(JSON.stringify(frame));
    });

  const failPending = (why: string): void => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${why}; the result of ${p.channel} is unknown.`));
      pending.delete(id);
    }
  };

  const onFrame = (raw: unknown): void => {
    if (typeof raw !== 'string') return malformed('not text', raw);
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return malformed('not JSON', raw);
    }
    if (typeof frame !== 'object' || frame === null) return malformed('not an object', raw);
    const f = frame as Record<string, unknown>;
    if (f.t === 'stream') {
      const m = f.message as Record<string, unknown> | null;
      // Batches arrive every frame: a structural check here, zod only for the (rare) snapshot.
      if (m && m.kind === 'batch' && typeof m.seq === 'number' && Array.isArray(m.quotes)) {
        emit(m as unknown as StreamMessage);
      } else if (m && m.kind === 'snapshot') {
        const parsed = Snapshot.safeParse(m);
        if (parsed.success) emit(parsed.data);
        else malformed('bad snapshot', raw);
      } else malformed('unknown stream message', raw);
      return;
    }
    if ((f.t === 'result' || f.t === 'error') && typeof f.id === 'number') {
      const p = pending.get(f.id);
      if (!p) return; // timed out earlier: already reported as unknown
      pending.delete(f.id);
      clearTimeout(p.timer);
      if (f.t === 'error') {
        p.reject(new Error(typeof f.message === 'string' ? f.message : 'The host reported an error.'));
        return;
      }
      const parsed = contract[p.channel].response.safeParse(f.value);
      if (parsed.success) p.resolve(parsed.data);
      else {
        malformed(`bad ${p.channel} result`, raw);
        p.reject(new Error(`The host sent an unreadable answer for ${p.channel}.`));
      }
      return;
    }
    malformed('unknown frame type', raw);
  };

  const scheduleRetry = (): void => {
    if (disposed) return;
    attempt++;
    // Full jitter, so many tabs do not reconnect in lock-step after a host restart.
    const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempt, 16));
    const delay = Math.round(Math.random() * ceiling) + 100;
    link.set({ kind: 'reconnecting', attempt, retryAt: Date.now() + delay });
    retryTimer = setTimeout(connect, delay);
  };

  const reject = (reason: string): void => {
    link.set({ kind: 'rejected', reason });
  };

  function connect(): void {
    if (disposed) return;
    retryTimer = null;
    if (link.get().kind !== 'reconnecting') link.set({ kind: 'connecting' });
    let opened = false;
    let s: SocketLike | null = null;
    const handlers: SocketHandlers = {
      onOpen: () => {
        opened = true;
        everOpened = true;
        attempt = 0;
        // After any (re)open our view is stale or empty: whoever owns the state asks for a
        // snapshot on this transition (see main.tsx), so there is one requester, not two.
        link.set({ kind: 'open' });
      },
      onMessage: onFrame,
      onClose: (code, reason) => {
        if (socket === s) socket = null;
        failPending('Connection to the host was lost');
        if (disposed) return;
        if (REJECT_CODES.has(code)) return reject(reason || 'The host rejected the access token.');
        if (!opened && !everOpened && options.probeRejected) {
          options.probeRejected().then(
            (rejected) => (rejected ? reject('The host rejected the access token.') : scheduleRetry()),
            () => scheduleRetry(),
          );
          return;
        }
        scheduleRetry();
      },
    };
    try {
      s = openSocket(options.url, handlers);
    } catch (e) {
      console.warn('[bridge] socket construction failed', e);
      scheduleRetry();
      return;
    }
    socket = s;
  }

  const commands = Object.fromEntries(
    Object.entries(verbs).map(([ns, group]) => [
      ns,
      Object.fromEntries(
        Object.entries(group).map(([verb, channel]) => [
          verb,
          (request?: unknown) => call(channel as Channel, request),
        ]),
      ),
    ]),
  ) as unknown as TerminalCommands;

  const api: TerminalApi = {
    ...commands,
    host: { kind: 'web' },
    events: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };

  connect();

  return {
    api,
    link,
    stats,
    dispose() {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      failPending('The bridge was closed');
      socket?.close(1000, 'bye');
      socket = null;
    },
  };
}
