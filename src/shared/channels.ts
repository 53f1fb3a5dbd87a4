/**
 * Every command channel, declared once. This module has no imports so that the sandboxed preload
 * can bundle it without pulling in zod; the schemas live in `contract.ts`, keyed by these names.
 * The bridge API (`window.terminal`) is generated from `verbs`: namespace → verb → channel.
 */
export const verbs = {
  stream: {
    snapshot: 'term:stream.snapshot',
  },
  orders: {
    place: 'term:orders.place',
    modify: 'term:orders.modify',
    cancel: 'term:orders.cancel',
    /** A fresh client order id for one trader intent (made in main, reused by that intent's retries). */
    newClientOrderId: 'term:orders.newClientOrderId',
    /** Cancel every working order of one account on one symbol; reports each order's outcome. */
    cancelAll: 'term:orders.cancelAll',
  },
  /**
   * OCO pairs, brackets and trailing stops: held natively at the broker when the connection can,
   * otherwise managed (and journaled) by the terminal's protection engine.
   */
  protection: {
    place: 'term:protection.place',
    /** Cancel every working order of one protection (its legs), and stop managing it. */
    cancel: 'term:protection.cancel',
  },
  positions: {
    close: 'term:positions.close',
    flatten: 'term:positions.flatten',
    /** Long becomes short of the same size (and back), in one market order. */
    reverse: 'term:positions.reverse',
  },
  /** Round trips paired from the fills journal in the data directory, and its CSV exports. */
  journal: {
    /** Trips of a day (or all), newest first, with totals per currency. */
    trades: 'term:journal.trades',
    /** Trips or fills as RFC 4180 CSV, made in main; the renderer offers it as a download. */
    exportCsv: 'term:journal.exportCsv',
  },
  charts: {
    open: 'term:charts.open',
    close: 'term:charts.close',
    /** Older bars of an open series, for scrolling back past what `open` returned. */
    history: 'term:charts.history',
  },
  /**
   * The DOM ladder's order book: while watched (counted per listing), a connection that can
   * stream depth does so for that listing; unwatch ends it.
   */
  depth: {
    watch: 'term:depth.watch',
    unwatch: 'term:depth.unwatch',
  },
  connections: {
    reconnect: 'term:connections.reconnect',
    disconnect: 'term:connections.disconnect',
    /** Saved and session connections, the kinds the engine knows, and where secrets are kept. */
    list: 'term:connections.list',
    /** Add or edit; secrets in the request go to the credential vault, never into settings. */
    save: 'term:connections.save',
    remove: 'term:connections.remove',
    setEnabled: 'term:connections.setEnabled',
    /** Try a config without saving it; reports success or the broker's own error. */
    test: 'term:connections.test',
  },
  /** Write-only from the renderer: a secret can be set and its presence asked, never read. */
  credentials: {
    set: 'term:credentials.set',
    has: 'term:credentials.has',
  },
  settings: {
    /** Settings-file problems found at start-up (corrupt file moved aside, newer version, …). */
    problems: 'term:settings.problems',
  },
  /** What the trader arranged (watchlist, main chart, bottom tab), kept in settings across restarts. */
  workspace: {
    get: 'term:workspace.get',
    /** A validated partial: only the fields given change; never anything secret. */
    update: 'term:workspace.update',
  },
  /** Alerts are state in the stream; the trader acknowledges one by id. */
  alerts: {
    acknowledge: 'term:alerts.acknowledge',
    /** Rules, risk limits and the sound switch (from settings, or a profile for the session). */
    config: 'term:alerts.config',
    /** Validated as a whole, saved to settings, then applied by the engine. */
    saveConfig: 'term:alerts.saveConfig',
    /** Mute notifications and sounds for a while (0 resumes); firings are still journaled. */
    pause: 'term:alerts.pause',
    /** Today's journaled firings, newest last. */
    history: 'term:alerts.history',
  },
  /** Risk limits stand in front of the order desk; the kill switch cancels, flattens and locks. */
  risk: {
    status: 'term:risk.status',
    killSwitch: 'term:risk.killSwitch',
    /** Ends a lock before the next session; the request must carry the unlock phrase. */
    unlock: 'term:risk.unlock',
  },
} as const;

type Values<T> = T[keyof T];
export type Namespace = keyof typeof verbs;
export type Channel = Values<{ [N in Namespace]: Values<(typeof verbs)[N]> }>;

/** Main → renderer: the MessagePort that carries the stream (Electron host). */
export const STREAM_PORT_CHANNEL = 'term:stream.port';

export const allChannels: readonly Channel[] = Object.values(verbs).flatMap((ns) =>
  Object.values(ns),
) as Channel[];
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && (allChannels as readonly string[]).includes(name);
}
