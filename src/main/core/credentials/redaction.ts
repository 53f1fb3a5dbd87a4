/**
 * What counts as a secret outside the vault, in one place: the secret-like field names that
 * settings refuse to store and the logger blanks, and the secrets known at run time that are
 * scrubbed from every broker-supplied string before it reaches health, a result, the stream, a
 * listing or a log line.
 *
 * Plain functions over module state on purpose: the supervisor, the manager and the logger all
 * scrub with the same list without being handed an object.
 */
import { MAX_SECRET_CHARS } from '../../../shared/contract';

export const REDACTED = '[redacted]';
export { MAX_SECRET_CHARS };

/**
 * Field names whose values are secrets wherever they appear (settings options, log objects),
 * compared case-insensitively without `-`, `_` or spaces.
 */
const SECRET_LIKE_NAMES = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apisecret',
  'secretkey',
  'apikey',
  'token',
  'accesstoken',
  'refreshtoken',
  'privatekey',
  'cookie',
  'setcookie',
  'session',
  'sessionid',
  'sessioncookie',
  'authorization',
  'jwt',
]);

/** True for names that would hold a credential ("api_key", "accessToken", "sessionCookie", …). */
export function isSecretLikeName(name: string): boolean {
  return SECRET_LIKE_NAMES.has(name.replace(/[-_ ]/g, '').toLowerCase());
}

/**
 * Secrets shorter than this are scrubbed only where they stand alone (not inside a longer word):
 * blanking a 3-character secret inside every word would make messages unreadable, but a server
 * echoing it back ("bad cookie abc") still loses it.
 */
const ANYWHERE_MIN_CHARS = 4;

const knownSecrets = new Set<string>();
/** Longest first, so overlapping secrets leave no tail; rebuilt only when the set changes. */
let ordered: string[] | null = null;

export function registerSecret(secret: string): void {
  if (secret.length === 0 || knownSecrets.has(secret)) return;
  knownSecrets.add(secret);
  ordered = null;
}

export function forgetSecret(secret: string): void {
  if (knownSecrets.delete(secret)) ordered = null;
}

function knownList(): string[] {
  ordered ??= [...knownSecrets].sort((a, b) => b.length - a.length);
  return ordered;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every occurrence of each secret in `s`, and credential-looking URL/header values. */
export function redactText(s: string, secrets: Iterable<string>): string {
  const list = [...secrets].filter((x) => x.length > 0).sort((a, b) => b.length - a.length);
  let out = s;
  for (const secret of list) {
    if (secret.length >= ANYWHERE_MIN_CHARS) out = out.split(secret).join(REDACTED);
    else if (out.includes(secret))
      out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, 'g'), REDACTED);
  }
  // Credentials embedded in URLs and headers even when we were never told the value.
  out = out.replace(
    /([?&](?:token|apikey|api_key|key|secret|signature|password|jwt|session)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  );
  out = out.replace(/(authorization:\s*(?:bearer|basic)?\s*)[^\s"',]+/gi, `$1${REDACTED}`);
  out = out.replace(/((?:^|[\s;])(?:session|sessionid|cookie)=)[^;\s"']+/gi, `$1${REDACTED}`);
  return out;
}

/**
 * Every secret known to this process scrubbed from `text`. THE function to call on any string a
 * broker or gateway supplied (a close reason, an HTTP status line, an error frame) before it is
 * stored as `lastError`, returned as a result or logged.
 */
export function redactKnownSecrets(text: string): string {
  return redactText(text, knownList());
}

/** `redactKnownSecrets` for an optional string. */
export function redactOptional(text: string | null): string | null {
  return text === null ? null : redactKnownSecrets(text);
}
