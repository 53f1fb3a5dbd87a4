/**
 * The single web-contents hook: every page and frame this app ever creates is confined to our
 * origin. Navigation away, new windows and webviews are blocked; links open only through the
 * allowlisting helper; permissions follow the deny-by-default table.
 */
import { app, session } from 'electron';
import type { Logger } from '../core/log';
import { openExternal } from './openExternal';
import { applyPermissionPolicy } from './permissions';
import { isAppUrl } from './appOrigin';

export function installSecurityHooks(logger: Logger): void {
  applyPermissionPolicy(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => {
    const blockForeign = (event: { preventDefault(): void }, url: string): void => {
      if (isAppUrl(url)) return;
      event.preventDefault();
      logger.warn({ scheme: safeScheme(url) }, 'blocked navigation away from the app');
    };
    contents.on('will-navigate', blockForeign);
    contents.on('will-redirect', blockForeign);
    contents.on('will-frame-navigate', (event) => blockForeign(event, event.url));
    contents.setWindowOpenHandler(({ url }) => {
      openExternal(url, (message) => logger.warn({ scheme: safeScheme(url) }, message));
      return { action: 'deny' };
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.warn('blocked a webview');
    });
  });
}

/** URLs may carry tokens in their query: log only the scheme. */
function safeScheme(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return 'invalid';
  }
}
