/** Our page's one origin, `app://peregrine`, and the test for "is this URL ours". */
export const APP_SCHEME = 'app';
export const APP_HOST = 'peregrine';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs on our own origin (the only place our page may live or navigate to). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** What may be logged of a URL: its scheme (a query may carry a token). */
export function schemeOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return 'invalid';
  }
}
