/**
 * Picks the bridge at start-up: the Electron preload's `window.terminal` when present, otherwise
 * the web host's WebSocket (token from the page URL).
 */
import type { TerminalApi } from '../../shared/api';
import { LinkState } from './linkState';
import { createWebBridge, webSocketUrl } from './webSocketBridge';

declare global {
  interface Window {
    terminal?: TerminalApi;
  }
}

export interface Bridge {
  /** Null when there is nothing to talk to (no preload and no token). */
  api: TerminalApi | null;
  link: LinkState;
}

export function connectBridge(): Bridge {
  if (window.terminal) return { api: window.terminal, link: new LinkState({ kind: 'open' }) };
  const url = webSocketUrl(window.location);
  if (!url) return { api: null, link: new LinkState({ kind: 'missing-token' }) };
  const bridge = createWebBridge({
    url,
    // A WebSocket upgrade refused with 401/403 looks like any network error to the page, so ask
    // the same URL over plain HTTP once to tell "wrong token" from "host not up yet".
    probeRejected: async () => {
      const probeUrl = `${window.location.origin}${new URL(url).pathname}${new URL(url).search}`;
      const res = await fetch(probeUrl, { cache: 'no-store' });
      return res.status === 401 || res.status === 403;
    },
  });
  return { api: bridge.api, link: bridge.link };
}

export { LinkState } from './linkState';
export type { LinkStatus } from './linkState';
