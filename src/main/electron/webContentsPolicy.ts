/**
 * What any web contents of this app may do, free of Electron at run time (types only) so it is
 * unit-tested with plain objects: stay on our `app://` origin (navigation, redirects and frame
 * navigation elsewhere are blocked), open no windows (a link goes to the user's browser only
 * through the allowlist), attach no webviews.
 */
import { isAppUrl, schemeOf } from './appOrigin';

export type NavigationDecision = 'allow' | 'block';

export function navigationDecision(url: string): NavigationDecision {
  return isAppUrl(url) ? 'allow' : 'block';
}

interface Preventable {
  preventDefault(): void;
}
type NavigationListener = (event: Preventable & { url: string }) => void;

/** The parts of a web contents the policy hooks into (an Electron `WebContents` is one). */
export interface ConfinableContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: NavigationListener): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface ConfineDeps {
  /** The allowlisting helper (openExternal.ts): opens the link in the browser or refuses. */
  openExternal(url: string): void;
  warn(fields: Record<string, string>, message: string): void;
}

export function confineWebContents(contents: ConfinableContents, deps: ConfineDeps): void {
  const blockForeign = (event: { preventDefault(): void }, url: string): void => {
    if (navigationDecision(url) === 'allow') return;
    event.preventDefault();
    deps.warn({ scheme: schemeOf(url) }, 'blocked navigation away from the app');
  };
  contents.on('will-navigate', (event) => blockForeign(event, event.url));
  contents.on('will-redirect', (event) => blockForeign(event, event.url));
  contents.on('will-frame-navigate', (event) => blockForeign(event, event.url));
  contents.setWindowOpenHandler(({ url }) => {
    deps.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.warn({}, 'blocked a webview');
  });
}
