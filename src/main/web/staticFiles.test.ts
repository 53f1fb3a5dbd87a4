import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, contentTypeOf, resolveStaticPath } from './staticFiles';

const root = mkdtempSync(join(tmpdir(), 'peregrine-static-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'app.js'), '');
writeFileSync(join(root, '.env'), 'SECRET=1');
writeFileSync(join(root, '..', 'peregrine-outside.txt'), 'outside');

describe('resolveStaticPath', () => {
  it('serves files under the root and index.html for /', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveStaticPath(root, '/assets//app.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it.each([
    '/../peregrine-outside.txt',
    '/%2e%2e/peregrine-outside.txt',
    '/assets/%2e%2e/%2e%2e/peregrine-outside.txt',
    '/..%2fperegrine-outside.txt',
    '/..%5cperegrine-outside.txt',
    '/assets/app.js%00.html',
    '/.env',
    '/%E0%A4%A',
    '/assets',
    '/missing.js',
  ])('refuses %s', (path) => {
    expect(resolveStaticPath(root, path)).toBeNull();
  });
});

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

describe('contentTypeOf', () => {
  it('names scripts as JavaScript and unknowns as octet-stream', () => {
    expect(contentTypeOf('a/b.js')).toMatch(/^text\/javascript/);
    expect(contentTypeOf('a/b.weird')).toBe('application/octet-stream');
  });
});
