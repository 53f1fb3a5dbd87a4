/**
 * The IPC contract: for every channel in `channels.ts`, the zod schema of its request and of its
 * result. Hosts parse every request with these before the engine sees it; results are typed
 * `Result`s so a rejected order says why across any transport.
 */
import { z } from 'zod';
import type { Channel } from './channels';
import { Bar, Order, OrderType, Side, TimeInForce, Timeframe } from './domain';
import { Snapshot } from './stream';

export const CommandError = z.object({
  /** Machine-readable: invalid_request, unknown_symbol, off_tick, rejected, not_found, … */
  code: z.string(),
  /** A sentence a trader can read. */
  message: z.string(),
});
export type CommandError = z.infer<typeof CommandError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: CommandError };
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
export function fail<T = never>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

const result = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: CommandError }),
  ]);

export const PlaceOrderRequest = z
  .object({
    connectionId: z.string().min(1),
    accountId: z.string().min(1),
    symbol: z.string().min(1),
    side: Side,
    type: OrderType,
    qty: z.number().positive().finite(),
    limitPrice: z.number().positive().finite().optional(),
    stopPrice: z.number().positive().finite().optional(),
    tif: TimeInForce.default('day'),
  })
  .superRefine((o, ctx) => {
    if ((o.type === 'limit' || o.type === 'stop_limit') && o.limitPrice === undefined)
      ctx.addIssue({
        code: 'custom',
        message: `a ${o.type} order needs a limit price`,
        path: ['limitPrice'],
      });
    if ((o.type === 'stop' || o.type === 'stop_limit') && o.stopPrice === undefined)
      ctx.addIssue({ code: 'custom', message: `a ${o.type} order needs a stop price`, path: ['stopPrice'] });
  });
export type PlaceOrderRequest = z.input<typeof PlaceOrderRequest>;

export const ModifyOrderRequest = z.object({
  orderId: z.string().min(1),
  qty: z.number().positive().finite().optional(),
  limitPrice: z.number().positive().finite().optional(),
  stopPrice: z.number().positive().finite().optional(),
});
export const CancelOrderRequest = z.object({ orderId: z.string().min(1) });
export const ClosePositionRequest = z.object({
  connectionId: z.string().min(1),
  accountId: z.string().min(1),
  symbol: z.string().min(1),
});
export const OpenChartRequest = z.object({ symbol: z.string().min(1), timeframe: Timeframe });
export const ChartHistory = z.object({
  series: z.string(),
  symbol: z.string(),
  timeframe: Timeframe,
  bars: z.array(Bar),
});
export type ChartHistory = z.infer<typeof ChartHistory>;
export const CloseChartRequest = z.object({ series: z.string().min(1) });
export const ConnectionRequest = z.object({ id: z.string().min(1) });

const Empty = z.object({}).strict();
const Done = result(z.object({}));

export const contract = {
  'term:stream.snapshot': { request: Empty, response: Snapshot },
  'term:orders.place': { request: PlaceOrderRequest, response: result(Order) },
  'term:orders.modify': { request: ModifyOrderRequest, response: result(Order) },
  'term:orders.cancel': { request: CancelOrderRequest, response: result(Order) },
  'term:positions.close': { request: ClosePositionRequest, response: result(z.array(Order)) },
  'term:charts.open': { request: OpenChartRequest, response: result(ChartHistory) },
  'term:charts.close': { request: CloseChartRequest, response: Done },
  'term:connections.reconnect': { request: ConnectionRequest, response: Done },
  'term:connections.disconnect': { request: ConnectionRequest, response: Done },
} as const satisfies Record<Channel, { request: z.ZodType; response: z.ZodType }>;

export type Contract = typeof contract;
/** What a caller passes (defaults may be omitted). */
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
/** What a handler receives after parsing. */
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>;
