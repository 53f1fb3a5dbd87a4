/**
 * An orders relay (seed 002) as an engine `Connection`: the two-socket link under the kit's
 * supervised connection, and order routes that can only cancel — through the relay's REST
 * `DELETE {rest}/orders/<OrderID>` with the bearer token. The relay takes no new orders; the
 * cancelled state itself comes from the stream.
 */
import { z } from 'zod';
import type { Order } from '../../../../shared/domain';
import { type Capabilities, type OrderAck, refused } from '../../connection';
import type { Clock } from '../../supervisor/clock';
import {
  httpUrl,
  linkTuningFrom,
  socketUrl,
  supervisorConfigFields,
  supervisorOptionsFrom,
} from '../../supervisor/config';
import { type ConnectionDeps, type OrderRoutes, SupervisedConnection } from '../kit/connection';
import { OrdersRelayAdapter } from './adapter';

export const OrdersRelayConfig = z.object({
  kind: z.literal('orders-relay'),
  id: z.string().min(1),
  label: z.string().optional(),
  url: socketUrl,
  positionsUrl: socketUrl,
  restUrl: httpUrl,
  token: z.string().min(1),
  mode: z.enum(['paper', 'demo', 'live']).optional(),
  /** Deadline of a cancel call; past it the outcome is unknown and resolved from the stream. */
  cancelTimeoutMs: z.number().positive().optional(),
  ...supervisorConfigFields,
});
export type OrdersRelayConfig = z.infer<typeof OrdersRelayConfig>;

const cancelOnly: Capabilities = {
  // The desk routes cancels only through trading connections; placing is refused by the routes.
  trading: true,
  modify: false,
  nativeOco: false,
  nativeTrailingStop: false,
  nativeBracket: false,
  snapshotResync: true,
  history: false,
};

export class OrdersRelayConnection extends SupervisedConnection {
  constructor(config: OrdersRelayConfig, deps: ConnectionDeps = {}) {
    const label = config.label ?? `Orders relay (${new URL(config.url).host})`;
    super(
      {
        id: config.id,
        kind: 'orders-relay',
        label,
        mode: config.mode ?? 'live',
        capabilities: cancelOnly,
        heldBy: 'gateway',
        secrets: [config.token, encodeURIComponent(config.token)],
        adapter: (logger) =>
          new OrdersRelayAdapter({
            connectionId: config.id,
            label,
            ordersUrl: config.url,
            positionsUrl: config.positionsUrl,
            token: config.token,
            ...linkTuningFrom(config),
            logger,
          }),
        supervisor: supervisorOptionsFrom(config, 'positions'),
        orders: (channel) =>
          relayRoutes(config.restUrl, config.token, label, channel.clock, config.cancelTimeoutMs ?? 10_000),
      },
      deps,
    );
  }
}

/** The relay's REST answer to a cancel: `{success: true}`, or an error text. */
const CancelReply = z.looseObject({
  success: z.boolean().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});

export function relayRoutes(
  restUrl: string,
  token: string,
  label: string,
  clock: Clock,
  timeoutMs: number,
): OrderRoutes {
  const base = restUrl.replace(/\/+$/, '');
  return {
    placeOrder: () =>
      Promise.resolve(refused('unsupported', `${label} relays orders but cannot place new ones.`)),
    modifyOrder: () =>
      Promise.resolve(refused('unsupported', `${label} cannot modify orders: cancel and place elsewhere.`)),
    cancelOrder: (existing: Order) => cancelThroughRest(base, token, existing.id, clock, timeoutMs),
    // Nothing is ever placed through the relay, so nothing can be found by our id.
    lookupOrder: () => Promise.resolve({ status: 'not_found' }),
  };
}

async function cancelThroughRest(
  base: string,
  token: string,
  orderId: string,
  clock: Clock,
  timeoutMs: number,
): Promise<OrderAck> {
  const abort = new AbortController();
  const timer = clock.setTimeout(() => abort.abort(), timeoutMs);
  let res: Response;
  try {
    res = await fetch(`${base}/orders/${encodeURIComponent(orderId)}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: abort.signal,
    });
  } catch (err) {
    // Sent or not, we cannot tell: the stream (or a later snapshot) says whether it was cancelled.
    const why = abort.signal.aborted ? `no answer within ${timeoutMs} ms` : errorText(err);
    return { status: 'unknown', reason: `cancel ${orderId}: ${why}` };
  } finally {
    clock.clearTimeout(timer);
  }
  let body: z.infer<typeof CancelReply> = {};
  try {
    const parsed = CancelReply.safeParse(await res.json());
    if (parsed.success) body = parsed.data;
  } catch {
    // A body that is not JSON says nothing more than the status does.
  }
  const said = body.error ?? body.message;
  if (res.ok && body.success !== false) return { status: 'accepted', brokerOrderId: orderId };
  if (res.ok) return refused('rejected', said ?? 'the relay refused the cancel');
  if (res.status >= 500) return { status: 'unknown', reason: `cancel ${orderId}: HTTP ${res.status}` };
  if (res.status === 401 || res.status === 403)
    return refused('auth', said ?? `the relay refused the token (HTTP ${res.status})`);
  if (res.status === 404) return refused('not_found', said ?? `order ${orderId} is unknown to the relay`);
  if (res.status === 429) return refused('rate_limited', said ?? 'too many requests; try again shortly');
  return refused('rejected', said ?? `HTTP ${res.status}`);
}

function errorText(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err instanceof Error ? err.message : String(err)}${cause}`;
}
