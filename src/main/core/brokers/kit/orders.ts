/**
 * Turning a failed order request into the desk's vocabulary. A request that never left (not
 * connected) or that the broker answered with an error is a definite refusal; one that may have
 * reached the broker (timeout, link closed after sending, anything unexpected) is `unknown`, which
 * the desk resolves with `lookupOrder`, never by sending again.
 */
import { type OrderAck, type OrderLookup, refused } from '../../connection';
import { RequestError } from '../../supervisor/link';

export function ackFromError(err: unknown): OrderAck {
  if (err instanceof RequestError && !err.ambiguous) return refused(err.code ?? err.kind, err.message);
  return { status: 'unknown', reason: err instanceof Error ? err.message : String(err) };
}

/** A lookup that got no answer says nothing about the order. */
export function lookupFromError(err: unknown): OrderLookup {
  return { status: 'unknown', reason: err instanceof Error ? err.message : String(err) };
}
