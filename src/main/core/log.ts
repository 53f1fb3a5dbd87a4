/**
 * The engine's logger: pino with a redaction step on every line, so a secret that slips into a
 * log call (a config object with an apiKey, an error message quoting a token) never reaches disk.
 * Lines about a connection carry `connectionId`: use `logger.child({ connectionId })`.
 */
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  name: string;
  level?: LevelWithSilent;
  /** Append JSON lines to this file instead of stdout (written synchronously: the last lines before a crash matter most). */
  file?: string;
}

export const REDACTED = '[redacted]';

/** Key names whose values are secrets wherever they appear, compared case-insensitively without `_`/`-`. */
const secretKeys = new Set([
  'password',
  'passwd',
  'secret',
  'token',
  'accesstoken',
  'refreshtoken',
  'apikey',
  'apisecret',
  'secretkey',
  'privatekey',
  'cookie',
  'setcookie',
  'session',
  'sessionid',
  'authorization',
  'jwt',
  'passphrase',
]);

export function isSecretKey(key: string): boolean {
  return secretKeys.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * Secrets known at run time (credentials loaded from the keychain). Free text in log lines is
 * scrubbed of them, because error messages from brokers and URLs often quote them verbatim.
 */
const knownSecrets = new Set<string>();

/** Secrets shorter than this are not scrubbed from free text: they would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(secret: string): void {
  if (secret.length >= MIN_SECRET_LENGTH) knownSecrets.add(secret);
}

export function forgetSecret(secret: string): void {
  knownSecrets.delete(secret);
}

/** Replace every occurrence of each secret in `s`, longest first so overlapping secrets leave no tail. */
export function redactText(s: string, secrets: readonly string[] | Iterable<string>): string {
  const list = [...secrets].filter((x) => x.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  let out = s;
  for (const secret of list) out = out.split(secret).join(REDACTED);
  // Credentials embedded in URLs and headers even when we were never told the value.
  out = out.replace(
    /([?&](?:token|apikey|api_key|key|secret|signature|password)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  );
  out = out.replace(/(authorization:\s*(?:bearer|basic)?\s*)[^\s"',]+/gi, `$1${REDACTED}`);
  return out;
}

/** Deep copy of `value` with secret-named keys and known secrets removed. Cycles are cut. */
export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value, knownSecrets);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen));
  if (value instanceof Error) {
    return {
      type: value.name,
      message: redactText(value.message, knownSecrets),
      stack: value.stack === undefined ? undefined : redactText(value.stack, knownSecrets),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactValue(v, seen);
  return out;
}

export function createLogger(opts: LoggerOptions): Logger {
  const destination =
    opts.file === undefined
      ? pino.destination(1)
      : pino.destination({ dest: opts.file, mkdir: true, sync: true });
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
          const clean = args.map((a) =>
            typeof a === 'string' ? redactText(a, knownSecrets) : a,
          ) as typeof args;
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
