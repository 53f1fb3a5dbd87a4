import { describe, expect, it } from 'vitest';
import { isAppUrl } from '../../../src/main/electron/appOrigin';
import { isAllowedExternalUrl } from '../../../src/main/electron/linkAllowlist';

describe('external link allowlist', () => {
  it.each(['https://github.com/peregrine', 'https://docs.alpaca.markets/x', 'https://www.binance.com/'])(
    'allows %s',
    (url) => {
      expect(isAllowedExternalUrl(url)).toBe(true);
    },
  );

  it.each([
    'http://github.com/',
    'https://github.com.evil.example/',
    'https://evilgithub.com/',
    'https://user:pw@github.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('app origin', () => {
  it('recognises only app://peregrine', () => {
    expect(isAppUrl('app://peregrine/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('https://peregrine/')).toBe(false);
  });
});
