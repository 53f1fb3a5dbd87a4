/** How a connection state is shown: one colour family per meaning, the same in pill and panel. */
import type { ConnectionHealth, ConnectionState } from '../../shared/domain';
import { formatAge } from '../format';

export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export function stateTone(state: ConnectionState): Tone {
  switch (state) {
    case 'live':
      return 'ok';
    case 'stale':
    case 'backoff':
    case 'connecting':
    case 'authenticating':
    case 'syncing':
      return 'warn';
    case 'stopped':
    case 'failed':
      return 'bad';
    case 'idle':
      return 'idle';
  }
}

export interface ErrorView {
  text: string;
  /** Red while the connection is not live; once live the error is history, shown muted with its age. */
  current: boolean;
  title: string;
}

/** The last error, dated by the engine's `lastErrorAt` (when it happened, not when the page saw it). */
export function errorView(c: ConnectionHealth, now: number): ErrorView | null {
  if (c.lastError === null) return null;
  const current = c.state !== 'live';
  const at = c.lastErrorAt === null ? '' : ` at ${new Date(c.lastErrorAt).toLocaleTimeString()}`;
  const title = `${current ? 'Current' : 'Earlier'} error${at}: ${c.lastError}`;
  if (current) return { text: c.lastError, current, title };
  const ago = c.lastErrorAt === null ? '' : `${formatAge(now - c.lastErrorAt)} ago: `;
  return { text: `${ago}${c.lastError}`, current, title };
}
