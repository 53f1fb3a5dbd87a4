/** Which external links the app may open: https only, to an allowlisted host (broker sites, our project page). */
export const allowedHosts: readonly string[] = [
  'github.com',
  'tradovate.com',
  'alpaca.markets',
  'binance.com',
];

/** Exact host or a subdomain of an allowlisted host, over https, without credentials in the URL. */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false;
  return allowedHosts.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`));
}

/** The decision behind openExternal.ts, with the opener passed in so it is tested without Electron. */
export function openIfAllowed(
  url: string,
  open: (url: string) => void,
  warn: (message: string) => void,
): boolean {
  if (!isAllowedExternalUrl(url)) {
    warn('refused to open a link outside the allowlist');
    return false;
  }
  open(url);
  return true;
}
