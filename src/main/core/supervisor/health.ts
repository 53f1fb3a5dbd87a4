/**
 * Link quality figures for one connection: round-trip time, clock offset, feed lag, message rate
 * and per-stream cadence. Pure bookkeeping over timestamps handed in by the Supervisor.
 */

const HISTORY = 60;
const RATE_WINDOW_S = 5;
/** Offsets from the fastest recent ping/pong are the least distorted by queueing (as in NTP). */
const OFFSET_SAMPLES = 8;

export interface StreamCadence {
  lastAt: number;
  /** Exponentially weighted mean interval between data messages. */
  meanIntervalMs: number | null;
  samples: number;
}

export class HealthMeter {
  rttMs: number | null = null;
  lagMs: number | null = null;
  clockOffsetMs: number | null = null;
  lastMessageAt: number | null = null;
  readonly rttHistory: number[] = [];
  readonly lagHistory: number[] = [];
  readonly streams = new Map<string, StreamCadence>();
  private readonly offsetSamples: { rtt: number; offset: number }[] = [];
  private readonly buckets = new Array<number>(RATE_WINDOW_S).fill(0);
  private bucketSecond = 0;
  private lastLagSampleAt = 0;

  /** Any inbound frame. */
  frame(now: number): void {
    this.lastMessageAt = now;
    this.roll(now);
    const i = Math.floor(now / 1000) % RATE_WINDOW_S;
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
  }

  /** A ping sent at `sentAt` was answered at `now`, the server stamping it `serverTs`. */
  pong(sentAt: number, now: number, serverTs: number | null): void {
    const rtt = Math.max(0, now - sentAt);
    this.rttMs = rtt;
    push(this.rttHistory, rtt);
    if (serverTs === null) return;
    this.offsetSamples.push({ rtt, offset: serverTs - (sentAt + rtt / 2) });
    if (this.offsetSamples.length > OFFSET_SAMPLES) this.offsetSamples.shift();
    let best = this.offsetSamples[0];
    for (const s of this.offsetSamples) if (best === undefined || s.rtt < best.rtt) best = s;
    if (best !== undefined) this.clockOffsetMs = Math.round(best.offset);
  }

  /** A data message: updates cadence for `stream` and, with an exchange timestamp, the feed lag. */
  data(stream: string, now: number, exchangeTs: number | null): void {
    const s = this.streams.get(stream);
    if (s === undefined) {
      this.streams.set(stream, { lastAt: now, meanIntervalMs: null, samples: 0 });
    } else {
      const interval = now - s.lastAt;
      s.meanIntervalMs = s.meanIntervalMs === null ? interval : s.meanIntervalMs * 0.8 + interval * 0.2;
      s.samples += 1;
      s.lastAt = now;
    }
    if (exchangeTs === null) return;
    // Exchange time is on the server's clock; shift our clock onto it before subtracting.
    const lag = Math.max(0, Math.round(now + (this.clockOffsetMs ?? 0) - exchangeTs));
    this.lagMs = lag;
    if (now - this.lastLagSampleAt >= 1000) {
      this.lastLagSampleAt = now;
      push(this.lagHistory, lag);
    }
  }

  messagesPerSec(now: number): number {
    this.roll(now);
    const total = this.buckets.reduce((a, b) => a + b, 0);
    return Math.round((total / RATE_WINDOW_S) * 10) / 10;
  }

  /** Forget per-link figures after the link is lost (history stays for the sparkline). */
  linkLost(): void {
    this.rttMs = null;
    this.lagMs = null;
    this.streams.clear();
  }

  private roll(now: number): void {
    const second = Math.floor(now / 1000);
    if (second === this.bucketSecond) return;
    const gap = Math.min(second - this.bucketSecond, RATE_WINDOW_S);
    for (let k = 1; k <= gap; k++) this.buckets[(this.bucketSecond + k) % RATE_WINDOW_S] = 0;
    this.bucketSecond = second;
  }
}

function push(list: number[], value: number): void {
  list.push(value);
  if (list.length > HISTORY) list.shift();
}
