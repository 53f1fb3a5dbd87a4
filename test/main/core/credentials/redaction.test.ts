/**
 * One list of secret-like names for settings and the logger, and known secrets scrubbed at every
 * length; a log line never echoes unbounded input.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  forgetSecret,
  isSecretLikeName,
  redactKnownSecrets,
  registerSecret,
} from '../../../../src/main/core/credentials';
import { createLogger, isSecretKey, MAX_LOGGED_CHARS } from '../../../../src/main/core/log';
import { isSecretLikeName as settingsSecretLike } from '../../../../src/main/core/settings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function logged(write: (log: ReturnType<typeof createLogger>) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-redact-'));
  dirs.push(dir);
  const file = join(dir, 'test.log');
  const log = createLogger({ name: 'test', file });
  write(log);
  await new Promise<void>((resolve, reject) => log.flush((err) => (err ? reject(err) : resolve())));
  return readFileSync(file, 'utf8');
}

describe('secret-like names', () => {
  it('are one list for settings and logs, sessionCookie included', async () => {
    for (const name of [
      'sessionCookie',
      'session_cookie',
      'apiKey',
      'api-secret',
      'JWT',
      'Authorization',
      'passwd',
    ])
      expect([name, isSecretLikeName(name), isSecretKey(name), settingsSecretLike(name)]).toEqual([
        name,
        true,
        true,
        true,
      ]);
    for (const name of ['url', 'userId', 'connectionId', 'key', 'secrets'])
      expect(isSecretKey(name)).toBe(false);
    const text = await logged((log) =>
      log.info({ config: { sessionCookie: 'plain-cookie-value' } }, 'saving'),
    );
    expect(text).toContain('"sessionCookie":"[redacted]"');
    expect(text).not.toContain('plain-cookie-value');
  });
});

describe('known secrets', () => {
  it('are scrubbed at every length: short ones where they stand alone', () => {
    registerSecret('k9');
    registerSecret('abc');
    registerSecret('a-much-longer-secret');
    try {
      expect(redactKnownSecrets('closed: bad cookie abc (k9)')).toBe(
        'closed: bad cookie [redacted] ([redacted])',
      );
      // Inside longer words a short secret is left alone: it would mangle every message.
      expect(redactKnownSecrets('abcdef k9x')).toBe('abcdef k9x');
      expect(redactKnownSecrets('x=a-much-longer-secretZ')).toBe('x=[redacted]Z');
      expect(redactKnownSecrets('GET /ws?jwt=eyJ.x.y&a=1')).toBe('GET /ws?jwt=[redacted]&a=1');
    } finally {
      forgetSecret('k9');
      forgetSecret('abc');
      forgetSecret('a-much-longer-secret');
    }
  });

  it('leave the log, in messages and in values', async () => {
    registerSecret('Zq7');
    try {
      const text = await logged((log) =>
        log.warn({ reason: 'gateway said Zq7 is wrong' }, 'closed with Zq7'),
      );
      expect(text).not.toContain('Zq7');
      expect(text).toContain('closed with [redacted]');
    } finally {
      forgetSecret('Zq7');
    }
  });
});

describe('log lines', () => {
  it('never echo unbounded input', async () => {
    const huge = 'A'.repeat(250_000);
    const text = await logged((log) => {
      log.warn({ channel: huge }, 'unknown channel');
      log.warn(`unknown channel ${huge}`);
    });
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThan(MAX_LOGGED_CHARS + 500);
    expect(text).toContain('more chars]');
  });
});
