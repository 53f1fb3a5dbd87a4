/**
 * An engine whose stream and replies a web-host test drives by hand: big batches on demand (to
 * overrun a slow client on purpose), and replies chosen per channel (big chart history, calls
 * that never answer). Snapshots are always served.
 */
import type { StatusReport } from '../../../src/shared/status';
import { emptyBatch, type Snapshot, type StreamMessage } from '../../../src/shared/stream';
import type { HostedEngine } from '../../../src/main/web/server';

export class ScriptedEngine implements HostedEngine {
  private readonly listeners = new Set<(m: StreamMessage) => void>();
  seq = 0;

  constructor(
    private readonly answer: (channel: string) => Promise<unknown> = (channel) =>
      Promise.reject(new Error(`unknown channel ${channel}`)),
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  subscribe(listener: (m: StreamMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  snapshot(): Snapshot {
    return {
      kind: 'snapshot',
      seq: this.seq,
      sentAt: 0,
      instruments: [],
      quotes: [],
      orders: [],
      fills: [],
      positions: [],
      accounts: [],
      connections: [],
      bars: [],
      alerts: [],
    };
  }
  dispatch(channel: string): Promise<unknown> {
    return channel === 'term:stream.snapshot' ? Promise.resolve(this.snapshot()) : this.answer(channel);
  }
  status(): StatusReport {
    return { connections: [], accounts: [], positions: [], orders: [] };
  }
  /** A batch padded with one big alert, so a handful overrun any socket buffer. */
  emit(bytes: number): void {
    this.seq += 1;
    const batch = emptyBatch(this.seq, 0);
    batch.alerts.push({
      id: String(this.seq),
      ts: 0,
      level: 'info',
      active: false,
      acknowledged: false,
      title: 'pad',
      message: 'x'.repeat(bytes),
    });
    for (const l of this.listeners) l(batch);
  }
}
