/**
 * Order entry over the WebSocket API: `order.place` (market, limit, stop-loss / stop-limit,
 * trailing stops via `trailingDelta`), `order.cancel`, `order.status` by our client order id for
 * lookups, and the native lists `orderList.place.oco` and `orderList.place.otoco`. Every order is
 * checked against the symbol's exchangeInfo filters before it is sent, naming the filter. A 5xx or
 * -1007 reply is `unknown`: the desk resolves it with `lookupOrder`, never by sending again.
 */
import type { Order, Side } from '../../../../shared/domain';
import {
  type CancelOrder,
  type ModifyOrder,
  type OrderAck,
  type OrderListAck,
  type OrderLookup,
  type PlaceOrder,
  type PlaceOrderList,
  refused,
} from '../../connection';
import { RequestError } from '../../supervisor/link';
import { ackFromError, lookupFromError, type OrderChannel, type OrderRoutes } from '../kit';
import type { BinanceApiError, BinanceState } from './adapter';
import { filterProblem, type SymbolRules, orderFromBody } from './mapping';
import { OrderBody, OrderListBody } from './messages';
import { wire } from './units';

const ACCOUNT = 'spot';

type Params = Record<string, string | number | boolean>;

/** A take-profit / stop-loss pair for an OCO or a bracket's exits. */
export interface ExitLegs {
  /** Limit price of the profit leg (LIMIT_MAKER). */
  takeProfit: number;
  /** Trigger of the loss leg; with `stopLimit` it rests as STOP_LOSS_LIMIT, else STOP_LOSS. */
  stopLoss: number;
  stopLimit?: number;
  /** Client order ids of the two legs (default `<list id>-tp` / `<list id>-sl`). */
  takeProfitClientOrderId?: string;
  stopLossClientOrderId?: string;
}

export interface OcoRequest extends ExitLegs {
  symbol: string;
  side: Side;
  qty: number;
  /** The list's id, derived from the intent; each leg gets `<id>-tp` / `<id>-sl`. */
  listClientOrderId: string;
}

export interface BracketRequest {
  entry: PlaceOrder;
  exits: ExitLegs;
  listClientOrderId: string;
}

export interface BinanceOrderRoutes extends OrderRoutes {
  placeOco(req: OcoRequest): Promise<OrderAck>;
  placeBracket(req: BracketRequest): Promise<OrderAck>;
  /** The protection engine's native lists: an OCO pair as `orderList.place.oco`, a bracket as OTOCO. */
  placeOrderList(list: PlaceOrderList): Promise<OrderListAck>;
}

type ListSent = { ok: true; body: OrderListBody } | { ok: false; ack: OrderAck };

export function binanceOrders(
  channel: OrderChannel,
  st: BinanceState,
  lastPrice: (symbol: string) => number | null,
): BinanceOrderRoutes {
  const rulesOf = (symbol: string): SymbolRules | null => st.rules.get(symbol) ?? null;

  function check(symbol: string, qty: number, price: number | null): OrderAck | null {
    const r = rulesOf(symbol);
    if (r === null)
      return refused('unknown_symbol', `${symbol} is not a ${st.quoteAsset} pair trading on Binance Spot.`);
    const problem = filterProblem(r, qty, price, lastPrice(symbol));
    return problem === null ? null : refused('filter', problem);
  }

  /** trailingDelta in BIPS (100 = 1 %) from the trader's distance; null when outside the filter. */
  function trailingDelta(o: PlaceOrder, r: SymbolRules): number | null {
    const t = o.trail;
    if (t === undefined) return null;
    const ref = t.activationPrice ?? lastPrice(o.symbol);
    let bips: number;
    if (t.by === 'percent') bips = t.offset * 100;
    else if (ref === null) return null;
    else bips = ((t.by === 'ticks' ? t.offset * r.tickSize : t.offset) / ref) * 10_000;
    const rounded = Math.round(bips);
    return rounded >= r.minTrailingDelta && rounded <= r.maxTrailingDelta ? rounded : null;
  }

  function paramsOf(o: PlaceOrder): { ok: true; params: Params } | { ok: false; ack: OrderAck } {
    const r = rulesOf(o.symbol);
    const price = o.type === 'limit' || o.type === 'stop_limit' ? (o.limitPrice ?? null) : null;
    const bad = check(o.symbol, o.qty, price ?? o.stopPrice ?? null);
    if (bad !== null || r === null) return { ok: false, ack: bad ?? refused('unknown_symbol', o.symbol) };
    const p: Params = {
      symbol: o.symbol,
      side: o.side === 'buy' ? 'BUY' : 'SELL',
      quantity: wire(o.qty),
      newClientOrderId: o.clientOrderId,
      newOrderRespType: 'RESULT',
    };
    // Binance has no day orders: GTC rests until cancelled, IOC as asked.
    const tif = o.tif === 'ioc' ? 'IOC' : 'GTC';
    switch (o.type) {
      case 'market':
        p.type = 'MARKET';
        break;
      case 'limit':
        Object.assign(p, { type: 'LIMIT', price: wire(o.limitPrice ?? 0), timeInForce: tif });
        break;
      case 'stop':
        Object.assign(p, { type: 'STOP_LOSS', stopPrice: wire(o.stopPrice ?? 0) });
        break;
      case 'stop_limit':
        Object.assign(p, {
          type: 'STOP_LOSS_LIMIT',
          price: wire(o.limitPrice ?? 0),
          stopPrice: wire(o.stopPrice ?? 0),
          timeInForce: tif,
        });
        break;
      case 'trailing_stop': {
        const d = trailingDelta(o, r);
        if (d === null)
          return {
            ok: false,
            ack: refused(
              'filter',
              `Filter failure: TRAILING_DELTA — ${o.symbol} trails by ${r.minTrailingDelta / 100} % to ${r.maxTrailingDelta / 100} %.`,
            ),
          };
        p.type = 'STOP_LOSS';
        p.trailingDelta = d;
        // With an activation price, Binance starts tracking once the market reaches it.
        if (o.trail?.activationPrice != null) p.stopPrice = wire(o.trail.activationPrice);
        break;
      }
    }
    return { ok: true, params: p };
  }

  async function placeOrder(o: PlaceOrder): Promise<OrderAck> {
    const p = paramsOf(o);
    if (!p.ok) return p.ack;
    st.rememberClientId(o.clientOrderId, o.symbol);
    try {
      const body = OrderBody.parse(await channel.request('order.place', p.params));
      return {
        status: 'accepted',
        brokerOrderId: String(body.orderId),
        order: orderFromBody(body, st.o.connectionId, ACCOUNT, st.lists),
      };
    } catch (err) {
      return ack(err);
    }
  }

  async function cancelOrder(existing: Order, _c: CancelOrder): Promise<OrderAck> {
    try {
      const body = OrderBody.parse(
        await channel.request('order.cancel', { symbol: existing.symbol, orderId: Number(existing.id) }),
      );
      return {
        status: 'accepted',
        brokerOrderId: String(body.orderId),
        order: orderFromBody(body, st.o.connectionId, ACCOUNT, st.lists),
      };
    } catch (err) {
      return ack(err);
    }
  }

  async function lookupOrder(clientOrderId: string): Promise<OrderLookup> {
    const known = st.symbolOfClientId.get(clientOrderId);
    // order.status needs the symbol: ours from placement, else every symbol the terminal watches.
    const symbols = known !== undefined ? [known] : [...st.interest];
    for (const symbol of symbols) {
      try {
        const body = OrderBody.parse(
          await channel.request('order.status', { symbol, origClientOrderId: clientOrderId }),
        );
        return { status: 'found', order: orderFromBody(body, st.o.connectionId, ACCOUNT, st.lists) };
      } catch (err) {
        if (err instanceof RequestError && err.code === '-2013') continue;
        return lookupFromError(err);
      }
    }
    return { status: 'not_found' };
  }

  function legs(side: Side, x: ExitLegs, idBase: string, prefix: '' | 'pending'): Params {
    const key = (k: string) => (prefix === '' ? k : `${prefix}${k[0]?.toUpperCase() ?? ''}${k.slice(1)}`);
    // A SELL exit takes profit above and stops below; a BUY exit (covering) mirrors it.
    const [tp, sl] = side === 'sell' ? ['above', 'below'] : ['below', 'above'];
    const p: Params = {
      [key(`${tp}Type`)]: 'LIMIT_MAKER',
      [key(`${tp}Price`)]: wire(x.takeProfit),
      [key(`${tp}ClientOrderId`)]: x.takeProfitClientOrderId ?? `${idBase}-tp`,
      [key(`${sl}Type`)]: x.stopLimit === undefined ? 'STOP_LOSS' : 'STOP_LOSS_LIMIT',
      [key(`${sl}StopPrice`)]: wire(x.stopLoss),
      [key(`${sl}ClientOrderId`)]: x.stopLossClientOrderId ?? `${idBase}-sl`,
    };
    if (x.stopLimit !== undefined) {
      p[key(`${sl}Price`)] = wire(x.stopLimit);
      p[key(`${sl}TimeInForce`)] = 'GTC';
    }
    return p;
  }

  async function sendOco(req: OcoRequest): Promise<ListSent> {
    const bad =
      check(req.symbol, req.qty, req.takeProfit) ?? check(req.symbol, req.qty, req.stopLimit ?? req.stopLoss);
    if (bad !== null) return { ok: false, ack: bad };
    const base = req.listClientOrderId.slice(0, 32);
    st.rememberClientId(req.takeProfitClientOrderId ?? `${base}-tp`, req.symbol);
    st.rememberClientId(req.stopLossClientOrderId ?? `${base}-sl`, req.symbol);
    try {
      const body = OrderListBody.parse(
        await channel.request('orderList.place.oco', {
          symbol: req.symbol,
          side: req.side === 'buy' ? 'BUY' : 'SELL',
          quantity: wire(req.qty),
          listClientOrderId: req.listClientOrderId,
          newOrderRespType: 'RESULT',
          ...legs(req.side, req, base, ''),
        }),
      );
      st.lists.set(body.orderListId, 'oco');
      return { ok: true, body };
    } catch (err) {
      return { ok: false, ack: ack(err) };
    }
  }

  async function placeOco(req: OcoRequest): Promise<OrderAck> {
    const r = await sendOco(req);
    return r.ok ? listAck(r.body) : r.ack;
  }

  async function sendBracket(req: BracketRequest): Promise<ListSent> {
    const e = req.entry;
    const limitEntry = (): ListSent => ({
      ok: false,
      ack: refused('unsupported', 'A Binance bracket (OTOCO) enters with a limit order.'),
    });
    if (e.type !== 'limit' && e.type !== 'market') return limitEntry();
    const entryPrice = e.limitPrice ?? lastPrice(e.symbol);
    const bad = check(e.symbol, e.qty, entryPrice) ?? check(e.symbol, e.qty, req.exits.takeProfit);
    if (bad !== null) return { ok: false, ack: bad };
    if (e.limitPrice === undefined) return limitEntry();
    const exitSide: Side = e.side === 'buy' ? 'sell' : 'buy';
    const base = e.clientOrderId.slice(0, 32);
    st.rememberClientId(e.clientOrderId, e.symbol);
    st.rememberClientId(req.exits.takeProfitClientOrderId ?? `${base}-tp`, e.symbol);
    st.rememberClientId(req.exits.stopLossClientOrderId ?? `${base}-sl`, e.symbol);
    try {
      const body = OrderListBody.parse(
        await channel.request('orderList.place.otoco', {
          symbol: e.symbol,
          listClientOrderId: req.listClientOrderId,
          newOrderRespType: 'RESULT',
          workingType: 'LIMIT',
          workingSide: e.side === 'buy' ? 'BUY' : 'SELL',
          workingPrice: wire(e.limitPrice),
          workingQuantity: wire(e.qty),
          workingTimeInForce: 'GTC',
          workingClientOrderId: e.clientOrderId,
          pendingSide: exitSide === 'buy' ? 'BUY' : 'SELL',
          pendingQuantity: wire(e.qty),
          ...legs(exitSide, req.exits, base, 'pending'),
        }),
      );
      st.lists.set(body.orderListId, 'bracket');
      return { ok: true, body };
    } catch (err) {
      return { ok: false, ack: ack(err) };
    }
  }

  async function placeBracket(req: BracketRequest): Promise<OrderAck> {
    const r = await sendBracket(req);
    return r.ok ? listAck(r.body) : r.ack;
  }

  /** Every order of the list as Binance reports it (the stream confirms them too). */
  function listOrders(body: OrderListBody): OrderListAck {
    return {
      status: 'accepted',
      orders: (body.orderReports ?? []).map((o) => orderFromBody(o, st.o.connectionId, ACCOUNT, st.lists)),
    };
  }

  /**
   * The engine's OCO pair or bracket, with the client order ids it derived for each order (so its
   * children are recognised when Binance reports them). An OCO is a take-profit limit and a stop
   * (or stop-limit) on one side; a bracket a limit entry with a limit target and a stop exit.
   */
  async function placeOrderList(list: PlaceOrderList): Promise<OrderListAck> {
    const asList = (a: OrderAck): OrderListAck =>
      a.status === 'accepted' ? { status: 'accepted', orders: a.order === undefined ? [] : [a.order] } : a;
    const unsupported = (reason: string): OrderListAck => ({
      status: 'rejected',
      code: 'unsupported',
      reason,
    });
    if (list.type === 'oco') {
      const tp = list.orders.find((o) => o.type === 'limit');
      const sl = list.orders.find((o) => o.type === 'stop' || o.type === 'stop_limit');
      if (list.orders.length !== 2 || tp === undefined || sl === undefined)
        return unsupported('A Binance OCO pairs a limit (take profit) with a stop or stop-limit.');
      if (tp.side !== sl.side || tp.qty !== sl.qty || tp.symbol !== sl.symbol)
        return unsupported('Both legs of a Binance OCO share one symbol, side and quantity.');
      const r = await sendOco({
        symbol: tp.symbol,
        side: tp.side,
        qty: tp.qty,
        listClientOrderId: list.id,
        takeProfit: tp.limitPrice ?? 0,
        stopLoss: sl.stopPrice ?? 0,
        ...(sl.type === 'stop_limit' && sl.limitPrice !== undefined ? { stopLimit: sl.limitPrice } : {}),
        takeProfitClientOrderId: tp.clientOrderId,
        stopLossClientOrderId: sl.clientOrderId,
      });
      return r.ok ? listOrders(r.body) : asList(r.ack);
    }
    const entry = list.orders.find((o) => o.role === 'entry');
    const target = list.orders.find((o) => o.role === 'target');
    const stop = list.orders.find((o) => o.role === 'stop');
    if (entry === undefined || target === undefined || stop === undefined)
      return unsupported('A Binance bracket (OTOCO) needs an entry, a target and a stop.');
    const r = await sendBracket({
      entry,
      listClientOrderId: list.id,
      exits: {
        takeProfit: target.limitPrice ?? 0,
        stopLoss: stop.stopPrice ?? 0,
        ...(stop.type === 'stop_limit' && stop.limitPrice !== undefined
          ? { stopLimit: stop.limitPrice }
          : {}),
        takeProfitClientOrderId: target.clientOrderId,
        stopLossClientOrderId: stop.clientOrderId,
      },
    });
    return r.ok ? listOrders(r.body) : asList(r.ack);
  }

  return {
    placeOrder,
    // Binance Spot has no in-place modify (capabilities.modify is false): cancel and place anew.
    modifyOrder: (_o: Order, _m: ModifyOrder) =>
      Promise.resolve(
        refused(
          'unsupported',
          'Binance Spot cannot modify an order in place: cancel it and place a new one.',
        ),
      ),
    cancelOrder,
    lookupOrder: (clientOrderId) => lookupOrder(clientOrderId),
    placeOco,
    placeBracket,
    placeOrderList,
  };
}

/** A list's answer in single-order terms: the first order's id stands for the list. */
function listAck(body: OrderListBody): OrderAck {
  return { status: 'accepted', brokerOrderId: String(body.orders[0]?.orderId ?? body.orderListId) };
}

/** 429 / 418 are definite refusals (nothing executed); 5xx / -1007 are unknown. */
function ack(err: unknown): OrderAck {
  const e = err as Partial<BinanceApiError>;
  if (err instanceof RequestError && !err.ambiguous && (e.status === 429 || e.status === 418))
    return refused(e.status === 418 ? 'ip_banned' : 'rate_limited', err.message);
  return ackFromError(err);
}
