/**
 * The engine's logger: pino with a redaction step on every line, so a secret that slips into a
 * log call (a config object with an apiKey, an error message quoting a token) never reaches disk.
 * Lines about a connection carry `connectionId`: use `logger.child({ connectionId })`.
 *
 * The secret-like names and the known secrets come from credentials/redaction.ts, the same list
 * settings use. A log file is private (0600 in a 0700 directory), capped in size and rotated, and
 * no value in a line is longer than MAX_LOGGED_CHARS: a client that sends megabytes cannot make
 * the log grow by megabytes.
 */
import {
  closeSync,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import {
  REDACTED,
  forgetSecret,
  isSecretLikeName,
  redactKnownSecrets,
  redactText,
  registerSecret,
} from './credentials/redaction';

export type Logger = PinoLogger;
export { REDACTED, forgetSecret, redactKnownSecrets, redactText, registerSecret };

export interface LoggerOptions {
  name: string;
  level?: LevelWithSilent;
  /** Append JSON lines to this file instead of stdout (written synchronously: the last lines before a crash matter most). */
  file?: string;
  /** Rotate when the file reaches this size (default 10 MB). */
  maxFileBytes?: number;
  /** Rotated files kept beside the current one (`main.log.1` … `.N`, default 3). */
  keepFiles?: number;
}

/** Longest string value kept in a log line; the rest is cut and counted. */
export const MAX_LOGGED_CHARS = 2_000;

/** True for key names whose values are secrets (settings and logs share this list). */
export function isSecretKey(key: string): boolean {
  return isSecretLikeName(key);
}

function capped(s: string): string {
  return s.length <= MAX_LOGGED_CHARS
    ? s
    : `${s.slice(0, MAX_LOGGED_CHARS)}…[${s.length - MAX_LOGGED_CHARS} more chars]`;
}

/** Known secrets scrubbed, then cut to MAX_LOGGED_CHARS. */
function cleanText(s: string): string {
  // Cut after scrubbing: a cut through a secret must not leave its first half behind.
  return capped(redactKnownSecrets(s));
}

/** Deep copy of `value` with secret-named keys and known secrets removed. Cycles are cut. */
export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen));
  if (value instanceof Error) {
    return {
      type: value.name,
      message: cleanText(value.message),
      stack: value.stack === undefined ? undefined : cleanText(value.stack),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactValue(v, seen);
  return out;
}

const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
const DEFAULT_KEEP_FILES = 3;

/**
 * A synchronous, size-capped, rotating log file. Our own rather than a rotation transport: pino's
 * transports run in a worker thread and write asynchronously, and the lines just before a crash
 * are the ones we most need; this keeps the synchronous write and adds a size check per line
 * (an `fstat` only at open). Files are created 0600 in a 0700 directory: logs hold order flow.
 */
export class RotatingLogFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes = DEFAULT_MAX_FILE_BYTES,
    private readonly keep = DEFAULT_KEEP_FILES,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openPrivate(path);
    this.size = fstatSync(this.fd).size;
  }

  write(chunk: string): boolean {
    const bytes = Buffer.byteLength(chunk);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    writeSync(this.fd, chunk);
    this.size += bytes;
    return true;
  }

  flush(cb: (err?: Error) => void): void {
    cb();
  }

  flushSync(): void {}

  end(): void {
    closeSync(this.fd);
  }

  private rotate(): void {
    closeSync(this.fd);
    if (this.keep <= 0) rmSync(this.path, { force: true });
    else {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let n = this.keep - 1; n >= 1; n--) {
        try {
          renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
        } catch {
          // A gap in the numbering (never rotated that far yet).
        }
      }
      renameSync(this.path, `${this.path}.1`);
    }
    this.fd = openPrivate(this.path);
    this.size = 0;
  }
}

/** Opens for append, created 0600; an existing file is narrowed to 0600 too. */
function openPrivate(path: string): number {
  const fd = openSync(path, 'a', 0o600);
  try {
    // The mode argument applies only at creation; a file left by an older build may be 0644.
    fchmodSync(fd, 0o600);
  } catch {
    // Not ours to change (another owner): writing still works, the mode stays.
  }
  return fd;
}

export function createLogger(opts: LoggerOptions): Logger {
  const destination =
    opts.file === undefined
      ? pino.destination(1)
      : new RotatingLogFile(opts.file, opts.maxFileBytes, opts.keepFiles);
  return pino(
    {
      name: opts.name,
      level: opts.level ?? 'info',
      formatters: {
        // Runs on the merging object of every line, including nested objects and errors.
        log: (obj) => redactValue(obj) as Record<string, unknown>,
        bindings: (b) => redactValue(b) as Record<string, unknown>,
      },
      hooks: {
        // Message strings (and format arguments) are free text: scrub known secrets from them.
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? cleanText(a) : a)) as typeof args;
          method.apply(this, clean);
        },
      },
    },
    destination,
  );
}

/** A logger that writes nothing; the default for tests and for embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
