/**
 * The ticket's current quantity and account, for order entry outside the ticket (a click on the
 * chart uses the size the trader set in the ticket). Read at click time only, so it is a plain
 * value rather than React state: nothing re-renders when the trader types a quantity.
 */
import { useEffect } from 'react';

export interface TicketChoice {
  /** `connectionId:symbol` of the listing the ticket is on. */
  listing: string;
  qty: string;
  account: { connectionId: string; accountId: string } | null;
}

let current: TicketChoice | null = null;

/** The ticket publishes what it shows (one call in OrderTicket). */
export function useShareTicket(choice: TicketChoice | null): void {
  const listing = choice?.listing;
  const qty = choice?.qty;
  const connectionId = choice?.account?.connectionId;
  const accountId = choice?.account?.accountId;
  useEffect(() => {
    current =
      listing === undefined || qty === undefined
        ? null
        : {
            listing,
            qty,
            account:
              connectionId !== undefined && accountId !== undefined ? { connectionId, accountId } : null,
          };
  }, [listing, qty, connectionId, accountId]);
}

/** The ticket's choice when it is on `listing`; null otherwise (callers fall back to defaults). */
export function ticketChoice(listing: string): TicketChoice | null {
  return current?.listing === listing ? current : null;
}
