/**
 * Tradovate order entry over the trading socket (brokers.md §1.8 "Order entry"): `placeorder`,
 * `modifyorder`, `cancelorder`, and the broker-held lists `placeoco` (one-cancels-other) and
 * `placeoso` (an entry with up to two brackets). Every placement carries the client order id as
 * `clOrdId` and `isAutomated: true` (exchange policy for machine-sent orders). A business refusal
 * (`failureReason`) is a rejection with the broker's words; a timeout or a dropped reply is
 * `unknown`, settled by `lookupOrder` (our `clOrdId` on the broker's `command`), never by resending.
 */
import type { Order, TimeInForce } from '../../../../shared/domain';
import {
  type CancelOrder,
  type ModifyOrder,
  type OrderAck,
  type OrderLookup,
  type PlaceOrder,
  refused,
} from '../../connection';
import type { OrderChannel, OrderRoutes } from '../kit/connection';
import { ackFromError, lookupFromError } from '../kit/orders';
import type { TradovateState } from './adapter';
import { CommandEntity, CommandReply, OrderEntity, OrderVersionEntity, PlaceReply, wireId } from './messages';
import { z } from 'zod';

/** One leg of a broker-held list, in the terminal's terms. */
export interface ListLeg {
  side: PlaceOrder['side'];
  type: PlaceOrder['type'];
  limitPrice?: number;
  stopPrice?: number;
  trail?: PlaceOrder['trail'];
  clientOrderId?: string;
}

export interface TradovateOrderRoutes extends OrderRoutes {
  /** Two orders on one contract, the first to fill cancels the other, held at Tradovate. */
  placeOco(first: PlaceOrder, other: ListLeg): Promise<OrderAck & { listId?: string }>;
  /** An entry with a take-profit and/or stop-loss that wait (Suspended) at Tradovate until it fills. */
  placeBracket(entry: PlaceOrder, exits: { takeProfit?: ListLeg; stopLoss?: ListLeg }): Promise<OrderAck>;
}

const OcoReply = z.looseObject({ orderId: wireId, ocoId: wireId.nullish() });

export function tradovateOrderRoutes(channel: OrderChannel, state: TradovateState): TradovateOrderRoutes {
  const store = state.store;

  const restrained = (leg: ListLeg, symbol: string): Record<string, unknown> | { refusal: OrderAck } => {
    const type = wireType(leg.type);
    const body: Record<string, unknown> = { action: leg.side === 'buy' ? 'Buy' : 'Sell', orderType: type };
    if (leg.limitPrice !== undefined) body.price = leg.limitPrice;
    if (leg.stopPrice !== undefined) body.stopPrice = leg.stopPrice;
    if (leg.clientOrderId !== undefined) body.clOrdId = leg.clientOrderId;
    if (leg.type === 'trailing_stop') {
      const trail = leg.trail;
      if (trail === undefined)
        return { refusal: refused('invalid', 'a trailing stop needs trailing parameters') };
      const tick = tickOf(symbol);
      let distance: number;
      if (trail.by === 'amount') distance = trail.offset;
      else if (trail.by === 'ticks') {
        if (tick === null)
          return { refusal: refused('invalid', `the tick size of ${symbol} is not known yet; try again`) };
        distance = trail.offset * tick;
      } else
        return {
          refusal: refused(
            'unsupported',
            'Tradovate trails by a price distance; a percentage trail is held by the terminal instead',
          ),
        };
      // pegDifference is signed: a sell stop trails below the market, a buy stop above it.
      body.pegDifference = leg.side === 'sell' ? -distance : distance;
    }
    return body;
  };

  const tickOf = (symbol: string): number | null => {
    const id = store.contractIdOf(symbol);
    return id === undefined ? null : (store.instrument(id)?.tickSize ?? null);
  };

  const placeBody = (o: PlaceOrder): Record<string, unknown> | { refusal: OrderAck } => {
    const leg = restrained(
      {
        side: o.side,
        type: o.type,
        ...(o.limitPrice === undefined ? {} : { limitPrice: o.limitPrice }),
        ...(o.stopPrice === undefined ? {} : { stopPrice: o.stopPrice }),
        ...(o.trail === undefined ? {} : { trail: o.trail }),
        clientOrderId: o.clientOrderId,
      },
      o.symbol,
    );
    if ('refusal' in leg) return leg;
    const accountId = Number(o.accountId);
    if (!Number.isSafeInteger(accountId))
      return { refusal: refused('invalid', `not a Tradovate account id: ${o.accountId}`) };
    return {
      accountSpec: store.accountName(o.accountId) ?? o.accountId,
      accountId,
      symbol: o.symbol,
      orderQty: o.qty,
      timeInForce: wireTif(o.tif),
      // Exchange policy: orders a program sends are flagged automated.
      isAutomated: true,
      ...leg,
    };
  };

  const placed = (d: unknown): OrderAck => {
    const r = PlaceReply.safeParse(d);
    if (!r.success || (r.data.orderId === undefined && r.data.failureReason == null))
      return { status: 'unknown', reason: 'Tradovate answered the order without an order id' };
    if (r.data.orderId !== undefined && r.data.failureReason == null)
      return { status: 'accepted', brokerOrderId: r.data.orderId };
    return refused(
      r.data.failureReason ?? 'rejected',
      r.data.failureText ?? r.data.failureReason ?? 'rejected by Tradovate',
    );
  };

  const commanded = (d: unknown, existing: Order): OrderAck => {
    const r = CommandReply.safeParse(d);
    if (!r.success) return { status: 'unknown', reason: 'Tradovate answered without a command id' };
    if (r.data.commandId !== undefined && r.data.failureReason == null)
      return { status: 'accepted', brokerOrderId: existing.id };
    return refused(
      r.data.failureReason ?? 'rejected',
      r.data.failureText ?? r.data.failureReason ?? 'rejected by Tradovate',
    );
  };

  return {
    async placeOrder(order) {
      const body = placeBody(order);
      if ('refusal' in body) return body.refusal as OrderAck;
      try {
        return placed(await channel.request('order/placeorder', body));
      } catch (err) {
        return ackFromError(err);
      }
    },

    async placeOco(first, other) {
      const body = placeBody(first);
      if ('refusal' in body) return body.refusal as OrderAck;
      const leg = restrained(other, first.symbol);
      if ('refusal' in leg) return leg.refusal as OrderAck;
      try {
        const d = await channel.request('order/placeoco', { ...body, other: leg });
        const ack = placed(d);
        const oco = OcoReply.safeParse(d);
        return oco.success && oco.data.ocoId != null ? { ...ack, listId: `oco-${oco.data.ocoId}` } : ack;
      } catch (err) {
        return ackFromError(err);
      }
    },

    async placeBracket(entry, exits) {
      const body = placeBody(entry);
      if ('refusal' in body) return body.refusal as OrderAck;
      const legs = [exits.takeProfit, exits.stopLoss].filter((x) => x !== undefined);
      if (legs.length === 0) return refused('invalid', 'a bracket needs a take-profit or a stop-loss');
      const wire = [];
      for (const l of legs) {
        const w = restrained(l, entry.symbol);
        if ('refusal' in w) return w.refusal as OrderAck;
        wire.push(w);
      }
      try {
        return placed(
          await channel.request('order/placeoso', {
            ...body,
            bracket1: wire[0],
            ...(wire[1] === undefined ? {} : { bracket2: wire[1] }),
          }),
        );
      } catch (err) {
        return ackFromError(err);
      }
    },

    async modifyOrder(existing: Order, change: ModifyOrder) {
      const body: Record<string, unknown> = {
        orderId: Number(existing.id),
        orderQty: change.qty ?? existing.qty,
        orderType: wireType(existing.type),
      };
      const price = change.limitPrice ?? existing.limitPrice;
      const stop = change.stopPrice ?? existing.stopPrice;
      if (price !== null && (existing.type === 'limit' || existing.type === 'stop_limit')) body.price = price;
      if (stop !== null && (existing.type === 'stop' || existing.type === 'stop_limit'))
        body.stopPrice = stop;
      try {
        return commanded(await channel.request('order/modifyorder', body), existing);
      } catch (err) {
        return ackFromError(err);
      }
    },

    async cancelOrder(existing: Order, _cancel: CancelOrder) {
      try {
        return commanded(
          await channel.request('order/cancelorder', { orderId: Number(existing.id) }),
          existing,
        );
      } catch (err) {
        return ackFromError(err);
      }
    },

    async lookupOrder(clientOrderId: string): Promise<OrderLookup> {
      // The stream may already have told us: the order's `command` carries our clOrdId.
      const known = store.orderIdOfClientId(clientOrderId);
      const view = known === undefined ? null : store.orderView(known);
      if (view !== null) return { status: 'found', order: view };
      try {
        const commands = z.array(z.unknown()).parse(await channel.request('command/list', undefined));
        let orderId: string | null = null;
        for (const c of commands) {
          const p = CommandEntity.safeParse(c);
          if (p.success && p.data.clOrdId === clientOrderId) orderId = p.data.orderId;
        }
        if (orderId === null) return { status: 'not_found' };
        const o = OrderEntity.safeParse(await channel.request(`order/item?id=${orderId}`, undefined));
        const versions = z
          .array(z.unknown())
          .safeParse(await channel.request(`orderVersion/deps?masterid=${orderId}`, undefined));
        if (!o.success) return { status: 'unknown', reason: `order ${orderId} could not be read` };
        store.apply('order', 'Updated', o.data);
        for (const v of versions.success ? versions.data : []) {
          const pv = OrderVersionEntity.safeParse(v);
          if (pv.success) store.apply('orderVersion', 'Updated', v);
        }
        store.noteClientOrderId(orderId, clientOrderId);
        const found = store.orderView(orderId);
        return found === null
          ? { status: 'unknown', reason: `order ${orderId} is incomplete` }
          : { status: 'found', order: found };
      } catch (err) {
        return lookupFromError(err);
      }
    },
  };
}

function wireType(t: Order['type']): string {
  switch (t) {
    case 'market':
      return 'Market';
    case 'limit':
      return 'Limit';
    case 'stop':
      return 'Stop';
    case 'stop_limit':
      return 'StopLimit';
    case 'trailing_stop':
      return 'TrailingStop';
  }
}

function wireTif(t: TimeInForce): string {
  return t === 'gtc' ? 'GTC' : t === 'ioc' ? 'IOC' : 'Day';
}
