/** `GET /status` on the web host: what scripts, CI and hold-out checks read. */
import { z } from 'zod';
import {
  Capabilities,
  ConnectionState,
  HeldBy,
  OrderListType,
  OrderRole,
  OrderStatus,
  OrderType,
  PendingAction,
  RateLimitHeadroom,
  Side,
  TrailingState,
} from './domain';

export const StatusReport = z.object({
  connections: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      state: ConnectionState,
      rttMs: z.number().nullable(),
      lagMs: z.number().nullable(),
      lastMessageAgeMs: z.number().nullable(),
      reconnects: z.number(),
      /** What the connection can hold at its broker (native OCO, trailing, bracket, modify, …). */
      capabilities: Capabilities,
      /** Request-weight headroom where the broker meters requests (Binance). */
      rateLimit: RateLimitHeadroom.optional(),
    }),
  ),
  accounts: z.array(
    z.object({
      connectionId: z.string(),
      accountId: z.string(),
      equity: z.number(),
      dayPnl: z.number(),
      verified: z.boolean(),
    }),
  ),
  positions: z.array(
    z.object({
      connectionId: z.string(),
      accountId: z.string(),
      symbol: z.string(),
      qty: z.number(),
      avgPrice: z.number(),
      last: z.number().nullable(),
      unrealizedPnl: z.number(),
      realizedPnl: z.number(),
      markSource: z.enum(['last', 'mid', 'broker']).nullable(),
      /** Present (true) when the average price covers only part of the quantity. */
      costPartial: z.boolean().optional(),
    }),
  ),
  orders: z.array(
    z.object({
      id: z.string(),
      symbol: z.string(),
      side: Side,
      type: OrderType,
      status: OrderStatus,
      qty: z.number(),
      filledQty: z.number(),
      price: z.number().nullable(),
      stopPrice: z.number().nullable(),
      connectionId: z.string(),
      accountId: z.string(),
      clientOrderId: z.string(),
      /** Who keeps the order alive: broker, gateway or this terminal. */
      heldBy: HeldBy,
      /** Its OCO or bracket, when it belongs to one. */
      listId: z.string().nullable(),
      listType: OrderListType.nullable(),
      role: OrderRole.nullable(),
      parentId: z.string().nullable(),
      siblingIds: z.array(z.string()),
      trail: TrailingState.nullable(),
      pendingAction: PendingAction.nullable(),
      /** The desk's row while the broker's answer is outstanding (status pending or unknown). */
      placeholder: z.boolean(),
      /** Why the broker or the terminal refused it (rejected orders); absent otherwise. */
      rejectReason: z.string().optional(),
      /** When the order was placed and last changed (epoch ms). */
      createdAt: z.number().optional(),
      updatedAt: z.number().optional(),
    }),
  ),
  /** The ledger's recent fills (the newest 500), oldest first. */
  fills: z
    .array(
      z.object({
        id: z.string(),
        orderId: z.string(),
        connectionId: z.string(),
        accountId: z.string(),
        symbol: z.string(),
        side: Side,
        qty: z.number(),
        price: z.number(),
        commission: z.number(),
        ts: z.number(),
        synthetic: z.boolean(),
      }),
    )
    .optional(),
});
export type StatusReport = z.infer<typeof StatusReport>;
