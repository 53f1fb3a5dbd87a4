/**
 * Tradovate's order endpoints (`order/placeorder`, `modifyorder`, `cancelorder`, `placeoco`,
 * `placeoso`) against the shared venue through one account's book: request bodies as the broker's
 * schema names them, answers `{orderId}` / `{orderId, ocoId}` / `{orderId, oso1Id, oso2Id}` /
 * `{commandId}`, or a business failure `{failureReason, failureText}` with HTTP 200.
 */
import { z } from 'zod';
import type { OrderRequest } from '../account';
import type { PlacementMeta, TradovateBook } from './book';

const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

const Restrained = z.object({
  action: z.enum(['Buy', 'Sell']),
  orderType: z.enum([
    'Market',
    'Limit',
    'Stop',
    'StopLimit',
    'TrailingStop',
    'TrailingStopLimit',
    'MIT',
    'QTS',
  ]),
  price: num.optional(),
  stopPrice: num.optional(),
  pegDifference: num.optional(),
  timeInForce: z.enum(['Day', 'FOK', 'GTC', 'GTD', 'IOC']).optional(),
  clOrdId: z.string().max(64).optional(),
  text: z.string().optional(),
});

export const PlaceOrderBody = Restrained.extend({
  accountSpec: z.string().optional(),
  accountId: num,
  symbol: z.union([z.string(), z.number()]),
  orderQty: num,
  isAutomated: z.boolean().optional(),
});

export const PlaceOcoBody = PlaceOrderBody.extend({ other: Restrained });
export const PlaceOsoBody = PlaceOrderBody.extend({ bracket1: Restrained, bracket2: Restrained.optional() });
export const ModifyBody = z.object({
  orderId: num,
  orderQty: num.optional(),
  orderType: Restrained.shape.orderType.optional(),
  price: num.optional(),
  stopPrice: num.optional(),
  pegDifference: num.optional(),
});
export const CancelBody = z.object({ orderId: num });

/** The largest order the simulated risk check passes (beyond: `MaxOrderQtyLimitReached`). */
export const MAX_ORDER_QTY = 100;

export type Answer = { status: number; body: unknown };

const ok = (body: unknown): Answer => ({ status: 200, body });
const bad = (text: string): Answer => ({ status: 400, body: text });
/** Business refusals come back as HTTP 200 with a failure body (Tradovate's convention). */
const failure = (failureReason: string, failureText: string): Answer => ok({ failureReason, failureText });

export class TradovateOrders {
  constructor(
    private readonly book: TradovateBook,
    private readonly now: () => number,
  ) {}

  execute(endpoint: string, body: unknown): Answer | null {
    switch (endpoint) {
      case 'order/placeorder':
        return this.place(body);
      case 'order/placeoco':
        return this.placeOco(body);
      case 'order/placeoso':
        return this.placeOso(body);
      case 'order/modifyorder':
        return this.modify(body);
      case 'order/cancelorder':
        return this.cancel(body);
      default:
        return null;
    }
  }

  private place(body: unknown): Answer {
    const r = PlaceOrderBody.safeParse(body);
    if (!r.success) return bad(invalid(r.error));
    const checked = this.check(r.data);
    if ('answer' in checked) return checked.answer;
    const { symbol, req, meta } = checked;
    this.book.expect([meta]);
    const o = this.book.account.place(symbol, req, this.now());
    return ok({ orderId: this.book.numId(o.id) });
  }

  private placeOco(body: unknown): Answer {
    const r = PlaceOcoBody.safeParse(body);
    if (!r.success) return bad(invalid(r.error));
    const a = this.check(r.data);
    if ('answer' in a) return a.answer;
    const b = this.check({ ...r.data, ...r.data.other, clOrdId: r.data.other.clOrdId });
    if ('answer' in b) return b.answer;
    this.book.expect([a.meta, b.meta]);
    const [oa] = this.book.account.placeOco(a.symbol, a.req, b.req, this.now());
    this.book.settle();
    const orderId = this.book.numId(oa.id);
    const ocoId = orderId === undefined ? undefined : this.book.orders.get(orderId)?.ocoId;
    return ok({ orderId, ocoId });
  }

  private placeOso(body: unknown): Answer {
    const r = PlaceOsoBody.safeParse(body);
    if (!r.success) return bad(invalid(r.error));
    const entry = this.check(r.data);
    if ('answer' in entry) return entry.answer;
    const exits = [r.data.bracket1, r.data.bracket2].filter((x) => x !== undefined);
    const checked = [];
    for (const x of exits) {
      const c = this.check({ ...r.data, ...x, clOrdId: x.clOrdId });
      if ('answer' in c) return c.answer;
      checked.push(c);
    }
    // The shared book knows a take-profit (limit) and a stop-loss (stop) per bracket.
    const tp = checked.find((c) => c.req.type === 'limit');
    const sl = checked.find((c) => c.req.type !== 'limit');
    const metas = [
      entry.meta,
      ...(tp === undefined ? [] : [tp.meta]),
      ...(sl === undefined ? [] : [sl.meta]),
    ];
    this.book.expect(metas);
    const exit = (c: typeof tp) => {
      if (c === undefined) return undefined;
      const { qty: _q, ...rest } = c.req;
      return rest;
    };
    const tpx = exit(tp);
    const slx = exit(sl);
    const placed = this.book.account.placeBracket(
      entry.symbol,
      entry.req,
      { ...(tpx === undefined ? {} : { takeProfit: tpx }), ...(slx === undefined ? {} : { stopLoss: slx }) },
      this.now(),
    );
    this.book.settle();
    const id = (o: { id: string } | null) => (o === null ? undefined : this.book.numId(o.id));
    const first = r.data.bracket1.orderType === 'Limit' ? placed.takeProfit : placed.stopLoss;
    const second = first === placed.takeProfit ? placed.stopLoss : placed.takeProfit;
    return ok({ orderId: id(placed.entry), oso1Id: id(first), oso2Id: id(second) });
  }

  private modify(body: unknown): Answer {
    const r = ModifyBody.safeParse(body);
    if (!r.success) return bad(invalid(r.error));
    const simId = this.book.simId(r.data.orderId);
    const order = simId === undefined ? undefined : this.book.account.orders.get(simId);
    if (simId === undefined || order === undefined)
      return failure('UnknownReason', `Order ${r.data.orderId} not found`);
    const change: { qty?: number; limitPrice?: number; stopPrice?: number } = {};
    if (r.data.orderQty !== undefined) change.qty = r.data.orderQty;
    if (r.data.price !== undefined) change.limitPrice = r.data.price;
    if (r.data.stopPrice !== undefined) change.stopPrice = r.data.stopPrice;
    if (change.qty !== undefined && change.qty > MAX_ORDER_QTY)
      return failure('MaxOrderQtyLimitReached', `Order quantity exceeds ${MAX_ORDER_QTY}`);
    const done = this.book.account.amend(simId, change, this.now());
    if (done === undefined) return failure('TooLate', 'Order is no longer working');
    return ok({ commandId: this.book.command(r.data.orderId, 'Modify') });
  }

  private cancel(body: unknown): Answer {
    const r = CancelBody.safeParse(body);
    if (!r.success) return bad(invalid(r.error));
    const simId = this.book.simId(r.data.orderId);
    if (simId === undefined) return failure('UnknownReason', `Order ${r.data.orderId} not found`);
    const done = this.book.account.cancel(simId, this.now());
    if (done === undefined) return failure('TooLate', 'Order is no longer working');
    return ok({ commandId: this.book.command(r.data.orderId, 'Cancel') });
  }

  private check(
    b: z.infer<typeof PlaceOrderBody>,
  ): { symbol: string; req: OrderRequest; meta: PlacementMeta } | { answer: Answer } {
    if (b.accountId !== this.book.identity.accountId)
      return { answer: failure('Unauthorized', `Account ${b.accountId} is not yours`) };
    const f = this.book.future(b.symbol);
    if (f === undefined)
      return { answer: failure('InvalidContract', `Unknown contract ${String(b.symbol)}`) };
    if (!Number.isInteger(b.orderQty) || b.orderQty <= 0)
      return { answer: failure('InvalidPrice', 'Order quantity must be a positive integer') };
    if (b.orderQty > MAX_ORDER_QTY)
      return { answer: failure('MaxOrderQtyLimitReached', `Order quantity exceeds ${MAX_ORDER_QTY}`) };
    const side = b.action === 'Buy' ? 'buy' : 'sell';
    const onGrid = (p: number | undefined) =>
      p === undefined || Math.abs(p / f.tickSize - Math.round(p / f.tickSize)) < 1e-9;
    if (!onGrid(b.price) || !onGrid(b.stopPrice))
      return { answer: failure('InvalidPrice', `Price is not a multiple of the tick size ${f.tickSize}`) };
    const tif =
      b.timeInForce === 'IOC' || b.timeInForce === 'FOK' ? 'ioc' : b.timeInForce === 'Day' ? 'day' : 'gtc';
    let req: OrderRequest;
    switch (b.orderType) {
      case 'Market':
      case 'QTS':
        req = { side, type: 'market', qty: b.orderQty, tif };
        break;
      case 'Limit':
      case 'MIT':
        if (b.price === undefined) return { answer: bad('Invalid JSON: missing required field "price"') };
        req = { side, type: 'limit', qty: b.orderQty, limitPrice: b.price, tif };
        break;
      case 'Stop':
        if (b.stopPrice === undefined)
          return { answer: bad('Invalid JSON: missing required field "stopPrice"') };
        req = { side, type: 'stop', qty: b.orderQty, stopPrice: b.stopPrice, tif };
        break;
      case 'StopLimit':
        if (b.stopPrice === undefined || b.price === undefined)
          return { answer: bad('Invalid JSON: missing required field "price" or "stopPrice"') };
        req = { side, type: 'stop_limit', qty: b.orderQty, stopPrice: b.stopPrice, limitPrice: b.price, tif };
        break;
      case 'TrailingStop':
      case 'TrailingStopLimit': {
        const peg = b.pegDifference;
        if (peg === undefined || peg === 0)
          return {
            answer: failure('AdvancedTrailingStopUnsupported', 'A trailing stop needs pegDifference'),
          };
        req = { side, type: 'stop', qty: b.orderQty, tif, trail: { by: 'amount', value: Math.abs(peg) } };
        break;
      }
    }
    req.clientOrderId = b.clOrdId ?? null;
    return {
      symbol: f.name,
      req,
      meta: {
        clOrdId: b.clOrdId ?? null,
        orderType: b.orderType,
        pegDifference: b.pegDifference ?? null,
        timeInForce: b.timeInForce ?? 'Day',
        text: b.text ?? null,
      },
    };
  }
}

function invalid(error: z.ZodError): string {
  const i = error.issues[0];
  return `Invalid JSON: ${i === undefined ? 'bad body' : `${i.path.join('.')}: ${i.message}`}`;
}
