/**
 * Whether orders can go through a connection. Only an explicit `trading: false` (a read-only
 * gateway) blocks: absent means the engine does not know yet, and the broker will say no itself.
 */
import type { ConnectionHealth } from '../../shared/domain';

export const READ_ONLY_TEXT = 'Read-only connection';

export function isReadOnly(health: Pick<ConnectionHealth, 'trading'> | undefined): boolean {
  return health?.trading === false;
}

/** The accounts orders may be placed in: those whose connection is not read-only. */
export function tradableAccounts<A extends { connectionId: string }>(
  accounts: Iterable<A>,
  connections: ReadonlyMap<string, Pick<ConnectionHealth, 'trading'>>,
): A[] {
  return [...accounts].filter((a) => !isReadOnly(connections.get(a.connectionId)));
}
