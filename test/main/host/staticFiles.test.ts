import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, resolveStaticPath } from '../../../src/main/host/staticFiles';

const root = mkdtempSync(join(tmpdir(), 'peregrine-static-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'app.js'), '');
writeFileSync(join(root, '.env'), 'SECRET=1');
writeFileSync(join(root, '..', 'peregrine-outside.txt'), 'outside');
// Links planted in the build folder: one to a file outside, one to a folder outside, one inside.
const outsideDir = mkdtempSync(join(tmpdir(), 'peregrine-outside-'));
writeFileSync(join(outsideDir, 'id_rsa'), 'PRIVATE KEY');
symlinkSync(join(outsideDir, 'id_rsa'), join(root, 'leak.txt'));
symlinkSync(outsideDir, join(root, 'linked'));
symlinkSync(join(root, 'assets', 'app.js'), join(root, 'alias.js'));
// A root that is itself a link (an `out/` symlinked elsewhere) still serves its own files.
const linkedRoot = join(mkdtempSync(join(tmpdir(), 'peregrine-linkroot-')), 'renderer');
symlinkSync(root, linkedRoot);
const real = (p: string): string => realpathSync(p);

describe('resolveStaticPath', () => {
  it('serves files under the root and index.html for /', () => {
    expect(resolveStaticPath(root, '/')).toBe(real(join(root, 'index.html')));
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(real(join(root, 'assets', 'app.js')));
    expect(resolveStaticPath(root, '/assets//app.js')).toBe(real(join(root, 'assets', 'app.js')));
  });

  it('follows a link only when its target stays inside the root', () => {
    expect(resolveStaticPath(root, '/alias.js')).toBe(real(join(root, 'assets', 'app.js')));
    expect(resolveStaticPath(linkedRoot, '/assets/app.js')).toBe(real(join(root, 'assets', 'app.js')));
    expect(resolveStaticPath(root, '/leak.txt')).toBeNull();
    expect(resolveStaticPath(root, '/linked/id_rsa')).toBeNull();
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

describe('contentTypeOf', () => {
  it('names scripts as JavaScript and unknowns as octet-stream', () => {
    expect(contentTypeOf('a/b.js')).toMatch(/^text\/javascript/);
    expect(contentTypeOf('a/b.weird')).toBe('application/octet-stream');
  });
});
