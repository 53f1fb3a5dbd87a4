/**
 * Log lines that a remote party can trigger at will (refused upgrades, unknown channels, refused
 * calls) go through here: at most a burst per kind, then a trickle, and the next line that gets
 * through says how many were held back. Without it, anyone who can reach the port can grow the
 * log without bound. Callers pass fixed words and numbers only, never the input itself.
 */
import type { Logger } from '../core/log';
import { TokenBucket, type Rate } from './tokenBucket';

/** Ten lines at once per kind, then one every six seconds. */
export const DEFAULT_LOG_RATE: Rate = { burst: 10, perSecond: 1 / 6 };

/** Fixed words, counts and lengths: never a string the remote party chose. */
export type LogFields = Record<string, string | number | boolean | null | readonly string[]>;

export class ThrottledLog {
  private readonly kinds = new Map<string, { bucket: TokenBucket; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly rate: Rate = DEFAULT_LOG_RATE,
    private readonly now?: () => number,
  ) {}

  warn(message: string, fields: LogFields = {}): void {
    this.write('warn', message, fields);
  }

  info(message: string, fields: LogFields = {}): void {
    this.write('info', message, fields);
  }

  /** `message` doubles as the kind: each distinct line has its own budget. */
  private write(level: 'warn' | 'info', message: string, fields: LogFields): void {
    let kind = this.kinds.get(message);
    if (kind === undefined) {
      kind = { bucket: new TokenBucket(this.rate, this.now), suppressed: 0 };
      this.kinds.set(message, kind);
    }
    if (!kind.bucket.take()) {
      kind.suppressed += 1;
      return;
    }
    const suppressed = kind.suppressed;
    kind.suppressed = 0;
    this.logger[level](suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }
}
