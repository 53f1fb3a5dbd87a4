/** What changed in the Ledger since the batcher last took it: the stream's next batch. */
import type { Depth, Fill, Instrument, Quote } from '../../../shared/domain';
import type { Alert } from '../../../shared/stream';

/** Keys of entities that no longer exist, in the stream's `removed` shapes. */
export interface LedgerRemovals {
  connections: Set<string>;
  /** `${connectionId}:${accountId}` */
  accounts: Set<string>;
  positions: Set<string>;
  /** `${connectionId}:${orderId}` */
  orders: Set<string>;
  /** `${connectionId}:${fillId}` */
  fills: Set<string>;
}

export interface LedgerChanges {
  quotes: Map<string, Quote>;
  /** Latest order book per listing (`${connectionId}:${symbol}`), like quotes. */
  depth: Map<string, Depth>;
  orders: Set<string>;
  fills: Fill[];
  positions: Set<string>;
  accounts: Set<string>;
  connections: Set<string>;
  instruments: Instrument[];
  /** Things the trader must look at (e.g. an order the broker stopped reporting). */
  alerts: Alert[];
  /**
   * Removed since the last call. Everything above was changed after the removal (pending changes
   * of a removed entity are dropped when it is removed), so a consumer applies removals first.
   */
  removed: LedgerRemovals;
}

export function emptyChanges(): LedgerChanges {
  return {
    quotes: new Map(),
    depth: new Map(),
    orders: new Set(),
    fills: [],
    positions: new Set(),
    accounts: new Set(),
    connections: new Set(),
    instruments: [],
    alerts: [],
    removed: {
      connections: new Set(),
      accounts: new Set(),
      positions: new Set(),
      orders: new Set(),
      fills: new Set(),
    },
  };
}
