/** `GET /status` on the web host: what scripts, CI and hold-out checks read. */
import { z } from 'zod';
import { ConnectionState, OrderStatus, OrderType, Side } from './domain';

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
    }),
  ),
});
export type StatusReport = z.infer<typeof StatusReport>;
