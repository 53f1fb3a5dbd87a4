/**
 * The Content-Security-Policy and companion headers every document from either host carries (the
 * web host over HTTP, the Electron host over `app://`). One definition, so the two hosts cannot
 * drift apart, and the page's own markup carries no second, weaker policy.
 */
/** The strict CSP for the renderer. `connect` lists the extra sources the page may open sockets to. */
export function contentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // React and lightweight-charts set styles through the CSSOM, which CSP does not restrict;
    // no inline <style> or style="" markup is allowed.
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers every served file carries. Only documents need the CSP, but it is cheap and harmless
 * on the rest, so every response carries it.
 */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
}
