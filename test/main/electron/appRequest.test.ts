/** The `app://` handler's answers, with real Request objects and a real folder of files and links. */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appResponse } from '../../../src/main/electron/appRequest';

const root = mkdtempSync(join(tmpdir(), 'peregrine-app-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Peregrine</title>');
const outside = mkdtempSync(join(tmpdir(), 'peregrine-app-outside-'));
writeFileSync(join(outside, 'secret.txt'), 'not for the page');
symlinkSync(join(outside, 'secret.txt'), join(root, 'secret.txt'));
const headers = { 'Content-Security-Policy': "default-src 'self'" };

const answer = (url: string, method = 'GET'): Promise<Response> =>
  appResponse(root, headers, new Request(url, { method }));

describe('app:// handler', () => {
  it('serves the page with the CSP header', async () => {
    const res = await answer('app://peregrine/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await res.text()).toContain('Peregrine');
  });

  it.each([
    ['app://peregrine/secret.txt', 'GET'],
    ['app://peregrine/%2e%2e/secret.txt', 'GET'],
    ['app://other/index.html', 'GET'],
    ['app://peregrine/index.html', 'POST'],
    ['app://peregrine/missing.js', 'GET'],
  ])('answers 404 to %s %s', async (url, method) => {
    const res = await answer(url, method);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
  });
});
