/** What a hotkey or the DOM ladder trades: the focused symbol with the ticket's account and quantity. */
import type { Account, Instrument } from '../../shared/domain';

export interface TradeTarget {
  instrument: Instrument | undefined;
  account: Account | null;
  /** The ticket's quantity field, as typed. */
  qty: string;
}
