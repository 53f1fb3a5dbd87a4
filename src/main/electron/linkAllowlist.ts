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
