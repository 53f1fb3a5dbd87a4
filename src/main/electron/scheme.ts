/**
 * The `app://peregrine/` scheme that serves the built renderer instead of `file://`: a standard,
 * secure origin of our own, so CSP 'self', navigation checks and sender checks have something
 * exact to compare against, and no page can read arbitrary files.
 */
import { protocol } from 'electron';
import { APP_SCHEME } from './appOrigin';
import { appResponse } from './appRequest';
import { contentSecurityPolicy, securityHeaders } from '../host/contentSecurity';

/** Must run before `app` is ready: privileges can only be granted then. */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves files under `rendererDir` on `app://peregrine/…`, each with the strict CSP. */
export function serveAppScheme(rendererDir: string): void {
  const headers = securityHeaders(contentSecurityPolicy());
  protocol.handle(APP_SCHEME, (request) => appResponse(rendererDir, headers, request));
}
