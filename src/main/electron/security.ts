/**
 * The single web-contents hook: every page and frame this app ever creates is confined to our
 * origin (`webContentsPolicy.ts`): navigation away, new windows and webviews are blocked; links
 * open only through the allowlisting helper; permissions follow the deny-by-default table; the
 * only downloads are the page's own CSV exports, through the save dialog (`downloads.ts`).
 */
import { app, session } from 'electron';
import type { Logger } from '../core/log';
import { ThrottledLog } from '../host/throttledLog';
import { openExternal } from './openExternal';
import { applyDownloadPolicy } from './downloads';
import { applyPermissionPolicy } from './permissions';
import { schemeOf } from './appOrigin';
import { confineWebContents } from './webContentsPolicy';

export function installSecurityHooks(logger: Logger): void {
  // A hostile page can trigger every one of these in a loop: log them, but not a line each.
  const throttled = new ThrottledLog(logger);
  applyPermissionPolicy(session.defaultSession, (fields) =>
    throttled.info('permission request denied', fields),
  );
  applyDownloadPolicy(session.defaultSession, (fields) => throttled.warn('download refused', fields));
  app.on('web-contents-created', (_event, contents) => {
    confineWebContents(contents, {
      openExternal: (url) =>
        openExternal(url, (message) => throttled.warn(message, { scheme: schemeOf(url) })),
      warn: (fields, message) => throttled.warn(message, fields),
    });
  });
}
