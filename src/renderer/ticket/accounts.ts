/**
 * The ticket's one account picker: every tradable account on every connection that lists the
 * symbol (the shown listing's connection first), named "connection · account". The order then goes
 * to the chosen account's connection, checked against that connection's listing.
 */
import type { Account, ConnectionHealth, Instrument } from '../../shared/domain';
import { instrumentKey } from '../../shared/keys';
import { tradableAccounts } from '../connections/trading';

export function ticketAccounts(
  accounts: Iterable<Account>,
  connections: ReadonlyMap<string, Pick<ConnectionHealth, 'trading'>>,
  instruments: ReadonlyMap<string, Instrument>,
  shown: Pick<Instrument, 'connectionId' | 'symbol'> | undefined,
): Account[] {
  if (shown === undefined) return [];
  const own = (a: Account) => (a.connectionId === shown.connectionId ? 0 : 1);
  // Read-only connections are never offered: an order there could only be refused.
  return tradableAccounts(accounts, connections)
    .filter((a) => instruments.has(instrumentKey(a.connectionId, shown.symbol)))
    .sort((a, b) => own(a) - own(b));
}

/** "Paper · PAPER-1", "Tradovate demo · Swing (DEMO123)": which connection and which account. */
export function accountText(a: Account, connectionLabel: string | undefined): string {
  const account = a.name === a.accountId || a.name === '' ? a.accountId : `${a.name} (${a.accountId})`;
  return `${connectionLabel ?? a.connectionId} · ${account}`;
}
