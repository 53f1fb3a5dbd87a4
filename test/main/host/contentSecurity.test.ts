import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../src/main/host/contentSecurity';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('contentSecurityPolicy', () => {
  it('allows only our own origin and the listed socket sources', () => {
    const csp = contentSecurityPolicy(['ws://127.0.0.1:5000']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:5000");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('the page markup', () => {
  it('carries no meta CSP that could differ from the header the hosts send', () => {
    const html = readFileSync(resolve(ROOT, 'src/renderer/index.html'), 'utf8');
    expect(html).not.toMatch(/http-equiv\s*=\s*["']?content-security-policy/i);
  });
});
