/**
 * The supervisor's state machine as data. A transition not in this table is a bug and throws,
 * so an impossible sequence (live → connecting without losing the link) cannot slip by.
 */
import type { ConnectionState } from '../../../shared/domain';

export const transitions: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'stopped'],
  connecting: ['authenticating', 'backoff', 'stopped', 'failed'],
  authenticating: ['syncing', 'backoff', 'stopped', 'failed', 'connecting'],
  syncing: ['live', 'backoff', 'stopped', 'failed', 'connecting'],
  live: ['stale', 'backoff', 'stopped', 'failed', 'connecting'],
  stale: ['live', 'backoff', 'stopped', 'failed', 'connecting'],
  backoff: ['connecting', 'stopped', 'failed'],
  stopped: ['connecting'],
  failed: ['connecting', 'stopped'],
};

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return transitions[from].includes(to);
}

/** States in which a transport is open (or being opened) for this connection. */
export const linkStates: ReadonlySet<ConnectionState> = new Set([
  'connecting',
  'authenticating',
  'syncing',
  'live',
  'stale',
]);
