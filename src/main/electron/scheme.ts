/**
 * The `app://peregrine/` scheme that serves the built renderer instead of `file://`: a standard,
 * secure origin of our own, so CSP 'self', navigation checks and sender checks have something
 * exact to compare against, and no page can read arbitrary files.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './appOrigin';
import { contentSecurityPolicy, securityHeaders } from '../host/contentSecurity';
import { contentTypeOf, resolveStaticPath } from '../host/staticFiles';

/** Must run before `app` is ready: privileges can only be granted then. */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves files under `rendererDir` on `app://peregrine/…`, each with the strict CSP. */
export function serveAppScheme(rendererDir: string): void {
  const headers = securityHeaders(contentSecurityPolicy());
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveStaticPath(rendererDir, url.pathname) : null;
    if (file === null || request.method !== 'GET') return new Response(null, { status: 404, headers });
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': contentTypeOf(file) } });
  });
}
