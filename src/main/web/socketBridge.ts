/**
 * The web host's side of `window.terminal` over a WebSocket (framing in src/shared/wire.ts):
 * every client gets a snapshot first and then the engine's batches; its calls go to
 * `engine.dispatch`.
 *
 * A slow or hostile client never makes us buffer without bound:
 * - while its socket holds more than `maxBufferedBytes` we skip batches for it, and the `seq` gap
 *   makes it ask for a fresh snapshot once it has caught up;
 * - a reply cannot be skipped (the caller waits for it), so a client whose queue would pass twice
 *   that bound is closed instead (the slack lets a client that has just caught up from skipped
 *   batches still receive its snapshot);
 * - calls in flight, snapshots and chart history are capped per client (`clientLimits.ts`), and
 *   a client that keeps calling after being refused is closed.
 * Everything a client can make us log goes through a throttle and never quotes its input.
 */
import type { WebSocket } from 'ws';
import { isChannel } from '../../shared/channels';
import { ClientFrame, type ServerFrame } from '../../shared/wire';
import type { StreamMessage } from '../../shared/stream';
import type { Engine } from '../core/engine';
import type { Logger } from '../core/log';
import { ThrottledLog } from '../host/throttledLog';
import { ClientBudget, DEFAULT_CLIENT_LIMITS, REFUSAL_TEXT, type ClientLimits } from '../host/clientLimits';

/** What the bridge needs from the engine. */
export type StreamingEngine = Pick<Engine, 'subscribe' | 'snapshot' | 'dispatch'>;

export interface BridgeStats {
  clients: number;
  malformedFrames: number;
  skippedBatches: number;
  /** Calls naming a channel the contract does not declare. */
  unknownChannels: number;
  /** Calls refused for being over the in-flight cap or a rate limit. */
  refusedCalls: number;
  /** Clients closed for not reading their replies or for flooding. */
  evictedClients: number;
  /** The most bytes ever queued for one client, measured before each send. */
  peakBufferedBytes: number;
}

/** A fixed reply: never the name the client sent. */
const UNKNOWN_CHANNEL_TEXT = 'Unknown channel.';

export class SocketBridge {
  private readonly clients = new Map<WebSocket, ClientBudget>();
  private readonly unsubscribe: () => void;
  private readonly throttled: ThrottledLog;
  private malformedFrames = 0;
  private skippedBatches = 0;
  private unknownChannels = 0;
  private refusedCalls = 0;
  private evictedClients = 0;
  private peakBufferedBytes = 0;

  constructor(
    private readonly engine: StreamingEngine,
    private readonly logger: Logger,
    private readonly maxBufferedBytes: number,
    private readonly limits: ClientLimits = DEFAULT_CLIENT_LIMITS,
  ) {
    this.throttled = new ThrottledLog(logger);
    this.unsubscribe = engine.subscribe((message) => this.broadcast(message));
  }

  stats(): BridgeStats {
    return {
      clients: this.clients.size,
      malformedFrames: this.malformedFrames,
      skippedBatches: this.skippedBatches,
      unknownChannels: this.unknownChannels,
      refusedCalls: this.refusedCalls,
      evictedClients: this.evictedClients,
      peakBufferedBytes: this.peakBufferedBytes,
    };
  }

  /** Takes over an authenticated socket: snapshot first, then batches. */
  attach(ws: WebSocket): void {
    // Sent before the client joins the broadcast set, so it can never see a batch first.
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'stream', message: this.engine.snapshot() }));
    const budget = new ClientBudget(this.limits);
    this.clients.set(ws, budget);
    ws.on('message', (data, isBinary) => {
      void this.onFrame(ws, budget, isBinary ? null : data.toString(), byteLength(data));
    });
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', (err) => {
      this.throttled.warn('web client socket error', { err: err.message.slice(0, 120) });
      this.clients.delete(ws);
    });
  }

  close(): void {
    this.unsubscribe();
    for (const ws of this.clients.keys()) ws.close(1001, 'host shutting down');
    this.clients.clear();
  }

  private broadcast(message: StreamMessage): void {
    if (this.clients.size === 0) return;
    // Serialize once for every client: the hot path does no per-client JSON work.
    const text = JSON.stringify({ t: 'stream', message } satisfies ServerFrame);
    for (const ws of this.clients.keys()) {
      if (ws.readyState !== ws.OPEN) continue;
      const queued = this.queued(ws);
      if (queued > this.maxBufferedBytes) {
        this.skippedBatches += 1;
        // Skipping bounds what batches add; a client that never drains is still closed.
        if (queued > 2 * this.maxBufferedBytes) this.evict(ws, 'client stopped reading');
        continue;
      }
      ws.send(text);
    }
  }

  private async onFrame(
    ws: WebSocket,
    budget: ClientBudget,
    text: string | null,
    bytes: number,
  ): Promise<void> {
    // Frames already read from a socket we have just dropped.
    if (!this.clients.has(ws)) return;
    const frame = parseFrame(text);
    if (!frame.ok) {
      this.malformedFrames += 1;
      // Never any content: a bad frame may well be a credentials.set carrying a secret.
      this.throttled.warn('dropped malformed web client frame', {
        reason: frame.reason,
        ...(frame.channel === undefined ? {} : { channel: frame.channel }),
        ...(frame.paths === undefined ? {} : { issuePaths: frame.paths.slice(0, 8) }),
        bytes,
        count: this.malformedFrames,
      });
      this.refuse(ws, budget);
      return;
    }
    const { id, channel, payload } = frame.value;
    if (!isChannel(channel)) {
      this.unknownChannels += 1;
      // The name is the client's input: its length is all we record.
      this.throttled.warn('web client called an unknown channel', {
        channelLength: channel.length,
        count: this.unknownChannels,
      });
      this.reply(ws, { t: 'error', id, message: UNKNOWN_CHANNEL_TEXT });
      this.refuse(ws, budget);
      return;
    }
    const admission = budget.admit(channel);
    if (admission !== 'ok') {
      this.refusedCalls += 1;
      this.throttled.warn('web client call refused', { channel, why: admission, count: this.refusedCalls });
      this.reply(ws, { t: 'error', id, message: REFUSAL_TEXT[admission] });
      this.refuse(ws, budget);
      return;
    }
    try {
      const value = await this.engine.dispatch(channel, payload ?? {});
      this.reply(ws, { t: 'result', id, value });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.throttled.info('web client call failed', { channel, message: message.slice(0, 300) });
      this.reply(ws, { t: 'error', id, message });
    } finally {
      budget.done();
    }
  }

  /** Sends a reply, or closes a client that has stopped reading rather than queue it. */
  private reply(ws: WebSocket, frame: ServerFrame): void {
    if (ws.readyState !== ws.OPEN) return;
    const text = JSON.stringify(frame);
    if (this.queued(ws) + Buffer.byteLength(text) > 2 * this.maxBufferedBytes) {
      this.evict(ws, 'client stopped reading');
      return;
    }
    ws.send(text);
  }

  private refuse(ws: WebSocket, budget: ClientBudget): void {
    if (!budget.refused()) this.evict(ws, 'client kept calling after refusals');
  }

  private queued(ws: WebSocket): number {
    const queued = ws.bufferedAmount;
    if (queued > this.peakBufferedBytes) this.peakBufferedBytes = queued;
    return queued;
  }

  /**
   * Drops the connection at once: a close handshake would wait on a client that does not read,
   * with everything queued for it still held in memory.
   */
  private evict(ws: WebSocket, why: string): void {
    if (!this.clients.delete(ws)) return;
    this.evictedClients += 1;
    this.throttled.warn('web client disconnected', { why, queuedBytes: ws.bufferedAmount });
    ws.terminate();
  }
}

type ParsedFrame =
  | { ok: true; value: ClientFrame }
  | {
      ok: false;
      /** Fixed words, never frame content. */
      reason: 'binary frame' | 'not JSON' | 'invalid frame';
      /** Only a channel the contract declares: any other string could be anything the client sent. */
      channel?: string;
      /** Where the frame broke the schema ("id", "payload"), never what it held. */
      paths?: string[];
    };

function parseFrame(text: string | null): ParsedFrame {
  if (text === null) return { ok: false, reason: 'binary frame' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = ClientFrame.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const channel =
    typeof json === 'object' && json !== null && 'channel' in json && isChannel(json.channel)
      ? json.channel
      : undefined;
  return {
    ok: false,
    reason: 'invalid frame',
    ...(channel === undefined ? {} : { channel }),
    paths: parsed.error.issues.map((i) => (i.path.length > 0 ? i.path.join('.') : '(frame)')),
  };
}

function byteLength(data: Buffer | ArrayBuffer | Buffer[]): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}
