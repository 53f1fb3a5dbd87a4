/**
 * Row keys, declared once: the ledger keys its maps with them, the stream's `removed` lists carry
 * them, and the renderer's store finds rows by them. Ids are only unique per connection (two
 * brokers may both have order 42), so every key starts with the connection id.
 */

/**
 * A listing: quotes are per listing, not per symbol. Two connections may both list ES, each with
 * its own book, and one must never overwrite the other.
 */
export function quoteKey(connectionId: string, symbol: string): string {
  return `${connectionId}:${symbol}`;
}

/** An instrument has the same key as its quote, so a listing finds its quote by its own key. */
export function instrumentKey(connectionId: string, symbol: string): string {
  return quoteKey(connectionId, symbol);
}

export function positionKey(connectionId: string, accountId: string, symbol: string): string {
  return `${connectionId}:${accountId}:${symbol}`;
}

export function accountKey(connectionId: string, accountId: string): string {
  return `${connectionId}:${accountId}`;
}

/** An order by the broker's id within its connection. */
export function orderKey(connectionId: string, id: string): string {
  return `${connectionId}:${id}`;
}

/** A fill by its execution id within its connection. */
export function fillKey(connectionId: string, id: string): string {
  return `${connectionId}:${id}`;
}
