/**
 * Checklist §11–§14: navigation away from app://, new windows and webviews are blocked, and a
 * link leaves only through the allowlist. The policy is installed on a plain event emitter
 * standing in for Electron's web contents.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openIfAllowed } from '../../../src/main/electron/linkAllowlist';
import {
  confineWebContents,
  navigationDecision,
  type ConfinableContents,
} from '../../../src/main/electron/webContentsPolicy';

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Emits `name` as Electron would; true when a listener prevented it. */
  attempt(name: string, url?: string): boolean {
    let prevented = false;
    this.emit(name, { url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

function confined() {
  const contents = new FakeContents();
  const opened: string[] = [];
  const warnings: Array<[Record<string, string>, string]> = [];
  confineWebContents(contents as unknown as ConfinableContents, {
    openExternal: (url) =>
      openIfAllowed(
        url,
        (allowed) => opened.push(allowed),
        (message) => warnings.push([{}, message]),
      ),
    warn: (fields, message) => warnings.push([fields, message]),
  });
  return { contents, opened, warnings };
}

describe('web contents confinement', () => {
  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])(
    '%s stays on app://peregrine',
    (name) => {
      const { contents, warnings } = confined();
      expect(contents.attempt(name, 'app://peregrine/index.html#orders')).toBe(false);
      for (const url of [
        'https://evil.example/?token=abc',
        'file:///etc/passwd',
        'app://other/index.html',
        'http://127.0.0.1:5173/',
        'javascript:alert(1)',
        'not a url',
      ]) {
        expect(contents.attempt(name, url), url).toBe(true);
      }
      // Logged by scheme only: never a URL that may carry a token.
      expect(warnings.length).toBe(6);
      expect(JSON.stringify(warnings)).not.toContain('token=abc');
    },
  );

  it('denies every window.open; an allowlisted https link goes to the browser instead', () => {
    const { contents, opened } = confined();
    for (const url of [
      'https://github.com/peregrine',
      'https://evil.example/',
      'http://github.com/',
      'app://peregrine/index.html',
      'file:///etc/passwd',
    ]) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://github.com/peregrine']);
  });

  it('blocks webviews', () => {
    const { contents } = confined();
    expect(contents.attempt('will-attach-webview')).toBe(true);
  });

  it('decides navigation by origin alone', () => {
    expect(navigationDecision('app://peregrine/')).toBe('allow');
    expect(navigationDecision('app://peregrine.evil/')).toBe('block');
  });
});
