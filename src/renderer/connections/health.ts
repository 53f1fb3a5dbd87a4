/** How a connection state is shown: one colour family per meaning, the same in pill and panel. */
import type { ConnectionState } from '../../shared/domain';

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
