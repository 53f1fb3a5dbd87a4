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
  },
  positions: {
    close: 'term:positions.close',
  },
  charts: {
    open: 'term:charts.open',
    close: 'term:charts.close',
  },
  connections: {
    reconnect: 'term:connections.reconnect',
    disconnect: 'term:connections.disconnect',
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
