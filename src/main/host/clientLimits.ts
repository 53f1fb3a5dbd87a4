/**
 * What one client may ask of a host: a web socket client of the web host, or the window of the
 * Electron host. Our UI stays far inside these; a runaway or hostile client hits them and is
 * refused (the web host then closes a client that keeps going) instead of growing the host's
 * memory or its log.
 */
import type { Channel } from '../../shared/channels';
import { TokenBucket, type Rate } from './tokenBucket';

export interface ClientLimits {
  /** Calls dispatched and not yet answered; a call beyond this is refused at once. */
  maxCallsInFlight: number;
  /** Full snapshots (the whole book, every order and position). */
  snapshots: Rate;
  /** Chart history (`charts.open`): a history fetch per call, and the biggest replies. */
  chartHistory: Rate;
  /**
   * The trade journal (`journal.trades`, `journal.exportCsv`): each pairs or serializes the whole
   * history in the range; the UI asks at most once a second, and exports on a click.
   */
  journal: Rate;
  /**
   * Refusals of any kind (over the in-flight cap, rate-limited, unknown channel, malformed frame):
   * a client that keeps calling after being told no is flooding, and is disconnected.
   */
  refusals: Rate;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  maxCallsInFlight: 32,
  // The UI asks for one at start and one per sequence gap, never more than one at a time.
  snapshots: { burst: 5, perSecond: 1 },
  // A layout opens a handful of charts at once; a trader switches a few a second at most.
  chartHistory: { burst: 20, perSecond: 5 },
  journal: { burst: 10, perSecond: 2 },
  refusals: { burst: 100, perSecond: 10 },
};

export type Admission = 'ok' | 'busy' | 'rate limited';

/** One client's budgets. */
export class ClientBudget {
  inFlight = 0;
  private readonly expensive: ReadonlyMap<Channel, TokenBucket>;
  private readonly refusals: TokenBucket;

  constructor(
    private readonly limits: ClientLimits,
    now?: () => number,
  ) {
    // One bucket for both journal channels: an export costs what a view does.
    const journal = new TokenBucket(limits.journal, now);
    this.expensive = new Map<Channel, TokenBucket>([
      ['term:stream.snapshot', new TokenBucket(limits.snapshots, now)],
      ['term:charts.open', new TokenBucket(limits.chartHistory, now)],
      ['term:charts.history', new TokenBucket(limits.chartHistory, now)],
      ['term:journal.trades', journal],
      ['term:journal.exportCsv', journal],
      // A ladder watches one listing per symbol switch, like a chart opening.
      ['term:depth.watch', new TokenBucket(limits.chartHistory, now)],
    ]);
    this.refusals = new TokenBucket(limits.refusals, now);
  }

  /** Whether a call on `channel` may be dispatched now; 'ok' counts it as in flight. */
  admit(channel: Channel): Admission {
    if (this.inFlight >= this.limits.maxCallsInFlight) return 'busy';
    if (this.expensive.get(channel)?.take() === false) return 'rate limited';
    this.inFlight += 1;
    return 'ok';
  }

  done(): void {
    this.inFlight -= 1;
  }

  /** Records a refusal; false once the client has used up its refusals and must go. */
  refused(): boolean {
    return this.refusals.take();
  }
}

/** Fixed refusal texts: a refusal never echoes what the client sent. */
export const REFUSAL_TEXT = {
  busy: 'Too many calls in flight; wait for earlier ones to finish.',
  'rate limited': 'Too many requests of this kind; try again shortly.',
} as const satisfies Record<Exclude<Admission, 'ok'>, string>;
