import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, forgetSecret, redactText, registerSecret } from '../../../src/main/core/log';

describe('log redaction', () => {
  it('redacts secret-named keys at any depth and known secrets in free text', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pg-log-')), 'engine.log');
    const log = createLogger({ name: 'test', level: 'info', file });
    registerSecret('s3cr3t-token-value');
    log.child({ connectionId: 'tradovate' }).info(
      {
        config: {
          url: 'wss://x',
          apiKey: 'AKIA123',
          nested: { password: 'hunter2', Authorization: 'Bearer abc' },
        },
        headers: [{ cookie: 'session=zzz' }],
        err: new Error('login failed for token s3cr3t-token-value'),
      },
      'connecting with s3cr3t-token-value',
    );
    await new Promise<void>((resolve, reject) => log.flush((err) => (err ? reject(err) : resolve())));
    forgetSecret('s3cr3t-token-value');
    const text = readFileSync(file, 'utf8');
    for (const leaked of ['AKIA123', 'hunter2', 'Bearer abc', 'session=zzz', 's3cr3t-token-value'])
      expect(text).not.toContain(leaked);
    const line = JSON.parse(text.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      connectionId: 'tradovate',
      msg: 'connecting with [redacted]',
      config: {
        url: 'wss://x',
        apiKey: '[redacted]',
        nested: { password: '[redacted]', Authorization: '[redacted]' },
      },
    });
  });

  it('scrubs given secrets and credential-looking URL parameters from text', () => {
    expect(redactText('GET /ws?token=abc.def&x=1 with key K9K9K9', ['K9K9K9'])).toBe(
      'GET /ws?token=[redacted]&x=1 with key [redacted]',
    );
    expect(redactText('Authorization: Bearer eyJhbGci', [])).toBe('Authorization: Bearer [redacted]');
  });
});
