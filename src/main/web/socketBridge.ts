/**
 * The web host's side of `window.terminal` over a WebSocket (framing in src/shared/wire.ts):
 * every client gets a snapshot first and then the engine's batches; its calls go to
 * `engine.dispatch`. A slow client never makes us buffer without bound: while its socket holds
 * more than `maxBufferedBytes` we skip batches for it, and the `seq` gap makes it ask for a
 * fresh snapshot once it has caught up.
 */
import type { WebSocket } from 'ws';
import { isChannel } from '../../shared/channels';
import { ClientFrame, type ServerFrame } from '../../shared/wire';
import type { StreamMessage } from '../../shared/stream';
import type { Engine } from '../core/engine';
import type { Logger } from '../core/log';

/** What the bridge needs from the engine. */
export type StreamingEngine = Pick<Engine, 'subscribe' | 'snapshot' | 'dispatch'>;

export interface BridgeStats {
  clients: number;
  malformedFrames: number;
  skippedBatches: number;
}

export class SocketBridge {
  private readonly clients = new Set<WebSocket>();
  private readonly unsubscribe: () => void;
  private malformedFrames = 0;
  private skippedBatches = 0;

  constructor(
    private readonly engine: StreamingEngine,
    private readonly logger: Logger,
    private readonly maxBufferedBytes: number,
  ) {
    this.unsubscribe = engine.subscribe((message) => this.broadcast(message));
  }

  stats(): BridgeStats {
    return {
      clients: this.clients.size,
      malformedFrames: this.malformedFrames,
      skippedBatches: this.skippedBatches,
    };
  }

  /** Takes over an authenticated socket: snapshot first, then batches. */
  attach(ws: WebSocket): void {
    // Sent before the client joins the broadcast set, so it can never see a batch first.
    send(ws, { t: 'stream', message: this.engine.snapshot() });
    this.clients.add(ws);
    ws.on('message', (data, isBinary) => {
      void this.onFrame(ws, isBinary ? null : data.toString(), byteLength(data));
    });
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'web client socket error');
      this.clients.delete(ws);
    });
  }

  close(): void {
    this.unsubscribe();
    for (const ws of this.clients) ws.close(1001, 'host shutting down');
    this.clients.clear();
  }

  private broadcast(message: StreamMessage): void {
    if (this.clients.size === 0) return;
    // Serialize once for every client: the hot path does no per-client JSON work.
    const text = JSON.stringify({ t: 'stream', message } satisfies ServerFrame);
    for (const ws of this.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > this.maxBufferedBytes) {
        this.skippedBatches += 1;
        continue;
      }
      ws.send(text);
    }
  }

  private async onFrame(ws: WebSocket, text: string | null, bytes: number): Promise<void> {
    const frame = parseFrame(text);
    if (!frame.ok) {
      this.malformedFrames += 1;
      // Never any content: a bad frame may well be a credentials.set carrying a secret.
      this.logger.warn(
        {
          reason: frame.reason,
          ...(frame.channel === undefined ? {} : { channel: frame.channel }),
          ...(frame.paths === undefined ? {} : { issuePaths: frame.paths }),
          bytes,
          count: this.malformedFrames,
        },
        'dropped malformed web client frame',
      );
      return;
    }
    const { id, channel, payload } = frame.value;
    try {
      const value = await this.engine.dispatch(channel, payload ?? {});
      send(ws, { t: 'result', id, value });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.info({ channel, message }, 'web client call failed');
      send(ws, { t: 'error', id, message });
    }
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

function send(ws: WebSocket, frame: ServerFrame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}
