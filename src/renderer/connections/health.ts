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

/** A connection row plus when its last error happened, as far as the UI can tell. */
export interface ConnectionRow extends ConnectionHealth {
  /** When `lastError` happened (see `dateErrors`); null without an error. */
  errorAt: number | null;
  /** True when `errorAt` is only an upper bound (the error predates this page). */
  errorAtBound: boolean;
}

export interface SeenError {
  error: string;
  at: number;
  bound: boolean;
}

/**
 * Health carries the last error but not its time, so the panel dates it when the text first
 * appears. A failure's own state (backoff, failed, stopped) began when it happened, so its
 * `since` dates it; an error already there when the page loads in any other state (e.g. live
 * again) happened before that state began, so `since` is only an upper bound and shown as one.
 */
export function dateErrors(
  connections: Iterable<ConnectionHealth>,
  prev: ReadonlyMap<string, SeenError>,
  now: number,
): { rows: ConnectionRow[]; seen: Map<string, SeenError> } {
  const rows: ConnectionRow[] = [];
  const seen = new Map<string, SeenError>();
  for (const c of connections) {
    if (c.lastError === null) {
      rows.push({ ...c, errorAt: null, errorAtBound: false });
      continue;
    }
    let e = prev.get(c.id);
    if (e === undefined || e.error !== c.lastError) {
      const caused = c.state === 'backoff' || c.state === 'failed' || c.state === 'stopped';
      e = { error: c.lastError, at: Math.min(now, c.since), bound: e === undefined && !caused };
    }
    seen.set(c.id, e);
    rows.push({ ...c, errorAt: e.at, errorAtBound: e.bound });
  }
  return { rows, seen };
}

export interface ErrorView {
  text: string;
  /** Red while the connection is not live; once live the error is history, shown muted with its age. */
  current: boolean;
  title: string;
}

export function errorView(c: ConnectionRow, now: number): ErrorView | null {
  if (c.lastError === null) return null;
  const current = c.state !== 'live';
  const at = c.errorAt === null ? '' : ` at ${new Date(c.errorAt).toLocaleTimeString()}`;
  const title = `${current ? 'Current' : 'Earlier'} error${c.errorAtBound ? ' (before' + at + ')' : at}: ${c.lastError}`;
  if (current) return { text: c.lastError, current, title };
  const ago = c.errorAt === null ? '' : `${c.errorAtBound ? '>' : ''}${formatAge(now - c.errorAt)} ago: `;
  return { text: `${ago}${c.lastError}`, current, title };
}
