/**
 * DOM / price ladder for the focused symbol: one row per tick around the market with the bid and
 * ask sizes, volume traded at each price since it opened, and the trader's working orders (the
 * ticket's account) at their rows. Click the bid side to buy limit or the ask side to sell limit
 * at a row (the ticket's quantity and checks), drag an order to another row to move it, × cancels.
 * Rows subscribe to the `LadderModel` one by one and are memoised, so a tick re-renders only the
 * rows it changed.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { quoteKey } from '../../shared/keys';
import { formatPrice } from '../../shared/money';
import { useUi } from '../layout/dialogs';
import { useTerminal } from '../state/context';
import { formatQty } from '../format';
import { useHotkeys } from '../hotkeys/HotkeysProvider';
import { LIVE_DOM_OFF_TEXT } from '../hotkeys/actions';
import { useTradeTarget } from '../hotkeys/tradeTarget';
import { placeQuick } from '../ticket/quickOrder';
import { LadderModel, type Beyond, type RowOrder } from './ladderModel';
import './ladder.css';

interface RowHandlers {
  place(side: 'buy' | 'sell', price: number): void;
  cancel(o: RowOrder): void;
  startDrag(o: RowOrder): void;
  drop(price: number): void;
}

export function LadderPanel() {
  const { api, store } = useTerminal();
  const ui = useUi();
  const hotkeys = useHotkeys();
  const target = useTradeTarget();
  const { instrument, account } = target;
  const model = useMemo(
    () =>
      instrument
        ? new LadderModel({
            instrument,
            // The ticket's account may sit on another connection that lists the same symbol.
            connectionId: account?.connectionId ?? instrument.connectionId,
            accountId: account?.accountId ?? null,
          })
        : null,
    [instrument, account?.connectionId, account?.accountId],
  );

  useEffect(() => {
    if (model === null) return;
    model.apply(store.getState());
    return store.subscribe(() => model.apply(store.getState()));
  }, [model, store]);

  // The listing's order book streams while this ladder is open on it (where the connection can).
  const bookConnection = instrument?.connectionId;
  const bookSymbol = instrument?.symbol;
  const listingKey =
    bookConnection === undefined || bookSymbol === undefined ? null : quoteKey(bookConnection, bookSymbol);
  useEffect(() => {
    if (bookConnection === undefined || bookSymbol === undefined) return;
    const listing = { connectionId: bookConnection, symbol: bookSymbol };
    void api.depth.watch(listing).catch(() => undefined);
    return () => void api.depth.unwatch(listing).catch(() => undefined);
  }, [api, bookConnection, bookSymbol]);
  const hasBook = useSyncExternalStore(store.subscribe, () =>
    listingKey === null ? false : store.getState().depth.has(listingKey),
  );

  const ticks = useSyncExternalStore(model?.subscribeLayout ?? noSubscribe, model?.layout ?? noTicks);

  // Keep the market in the middle of the view when the ladder recentres or its panel resizes.
  const bodyRef = useRef<HTMLDivElement>(null);
  const scrollToMarket = useCallback(() => {
    const body = bodyRef.current;
    if (body === null || model === null) return;
    const y = marketMiddle(body, model);
    if (y === null) return;
    // `y` is in the body's content; put it in the middle of what the body shows.
    body.scrollTop = Math.max(0, y - body.clientHeight / 2);
  }, [model]);
  useEffect(() => {
    if (ticks.length > 0) scrollToMarket();
  }, [ticks, scrollToMarket]);
  useEffect(() => {
    const body = bodyRef.current;
    if (body === null) return;
    const observer = new ResizeObserver(() => scrollToMarket());
    observer.observe(body);
    return () => observer.disconnect();
  }, [scrollToMarket, instrument]);

  // Handlers read the latest target through a ref, so rows keep the same props.
  const latest = useRef({ target, liveEnabled: hotkeys.settings.liveEnabled });
  useEffect(() => {
    latest.current = { target, liveEnabled: hotkeys.settings.liveEnabled };
  });
  const dragging = useRef<RowOrder | null>(null);
  const [dragOn, setDragOn] = useState(false);

  useEffect(() => {
    const end = () => {
      // After the row's own pointerup has read it.
      queueMicrotask(() => {
        dragging.current = null;
        setDragOn(false);
      });
    };
    window.addEventListener('pointerup', end);
    return () => window.removeEventListener('pointerup', end);
  }, []);

  const handlers = useMemo<RowHandlers>(() => {
    const report = (ok: boolean, text: string) => ui.notify(ok ? 'info' : 'error', text);
    return {
      place(side, price) {
        const { target: t } = latest.current;
        if (t.instrument === undefined) return;
        if (t.account?.mode === 'live' && !latest.current.liveEnabled)
          return report(false, LIVE_DOM_OFF_TEXT);
        void placeQuick(
          api,
          {
            instrument: t.instrument,
            account: t.account,
            side,
            type: 'limit',
            qty: t.qty,
            price,
            origin: 'dom',
          },
          ui.confirm,
        ).then((r) => report(r.ok, r.text));
      },
      cancel(o) {
        void api.orders
          .cancel({ connectionId: o.connectionId, orderId: o.orderId, origin: 'dom' })
          .then((r) => report(r.ok, r.ok ? `Order ${o.orderId} cancelled.` : r.error.message));
      },
      startDrag(o) {
        dragging.current = o;
        setDragOn(true);
      },
      drop(price) {
        const o = dragging.current;
        const inst = latest.current.target.instrument;
        dragging.current = null;
        if (o === null || inst === undefined) return;
        const ord = store.getState().orders;
        const full = [...ord.values()].find((x) => x.connectionId === o.connectionId && x.id === o.orderId);
        const from = full?.[o.priceField];
        if (full === undefined || from === null || from === undefined || from === price) return;
        const change: { limitPrice?: number; stopPrice?: number } = { [o.priceField]: price };
        // A stop-limit moves as one order: its limit keeps its distance from the stop.
        if (o.priceField === 'stopPrice' && full.limitPrice !== null)
          change.limitPrice = Number((full.limitPrice + (price - from)).toFixed(inst.pricePrecision + 2));
        void api.orders
          .modify({ connectionId: o.connectionId, orderId: o.orderId, ...change, origin: 'dom' })
          .then((r) =>
            report(r.ok, r.ok ? `Order ${o.orderId} moved to ${formatPrice(price, inst)}.` : r.error.message),
          );
      },
    };
  }, [api, store, ui]);

  if (instrument === undefined || model === null)
    return <div className="ladder-empty">Pick a symbol in the watchlist to see its ladder.</div>;

  return (
    <div className={`ladder ${dragOn ? 'dragging' : ''}`} aria-label={`DOM ladder ${instrument.symbol}`}>
      <div className="ladder-head">
        <span className="ladder-symbol">{instrument.symbol}</span>
        <span className="ladder-meta">
          {account ? account.name : 'no account'} · qty {target.qty || '—'} (from the ticket)
        </span>
        <span className="ladder-hint">
          Click bid to buy limit, ask to sell limit · drag an order to move it ·{' '}
          {hasBook ? 'book depth' : 'sizes at the best bid/ask only'}, volume since opened
        </span>
        <button
          type="button"
          onClick={() => {
            model.recentre();
            scrollToMarket();
          }}
        >
          Centre
        </button>
        <button type="button" onClick={hotkeys.showHelp} title="Trading hotkeys (?)">
          Hotkeys ?
        </button>
      </div>
      <div className="ladder-cols" aria-hidden="true">
        <span>Buy</span>
        <span>Bid</span>
        <span>Price</span>
        <span>Ask</span>
        <span>Sell</span>
        <span>Volume</span>
      </div>
      <Edge side="above" model={model} onGo={scrollToMarket} />
      <div className="ladder-body" ref={bodyRef} role="grid" aria-label="Price ladder">
        {ticks.map((t) => (
          <Row key={t} model={model} tick={t} handlers={handlers} />
        ))}
      </div>
      <Edge side="below" model={model} onGo={scrollToMarket} />
    </div>
  );
}

/**
 * Where the market sits in the ladder body's content, in pixels from its top: midway between the
 * best bid's and the best ask's rows (so both show, whichever is the middle tick), else the row of
 * the market's middle tick. Measured from the rows' boxes, so it holds whatever the row height.
 */
function marketMiddle(body: HTMLElement, model: LadderModel): number | null {
  const top = body.getBoundingClientRect().top - body.scrollTop;
  const bid = body.querySelector<HTMLElement>('.ladder-row.best-bid');
  const ask = body.querySelector<HTMLElement>('.ladder-row.best-ask');
  const rows = bid !== null && ask !== null ? [bid, ask] : [];
  if (rows.length === 0) {
    const tick = model.marketTick();
    const el =
      tick === null ? null : body.querySelector<HTMLElement>(`[data-price="${model.priceOf(tick)}"]`);
    if (el !== null) rows.push(el);
  }
  if (rows.length === 0) return null;
  const boxes = rows.map((r) => r.getBoundingClientRect());
  const from = Math.min(...boxes.map((b) => b.top));
  const to = Math.max(...boxes.map((b) => b.bottom));
  return (from + to) / 2 - top;
}

/** Working orders beyond the ladder's rows: a line saying how many and where; a click centres on them. */
function Edge({ side, model, onGo }: { side: 'above' | 'below'; model: LadderModel; onGo(): void }) {
  const edges = useSyncExternalStore(model.subscribeEdges, model.edges);
  const beyond: Beyond | null = edges[side];
  if (beyond === null) return null;
  const inst = model.scope.instrument;
  return (
    <button
      type="button"
      className={`ladder-edge ${side}`}
      onClick={() => {
        model.recentre(beyond.nearest);
        onGo();
      }}
    >
      {side === 'above' ? '▲' : '▼'} {beyond.count} working order{beyond.count === 1 ? '' : 's'} {side} the
      ladder, nearest at {formatPrice(beyond.nearest, inst)} — show
    </button>
  );
}

const noTicks = (): readonly number[] => [];
const noSubscribe = (): (() => void) => () => undefined;

const Row = memo(function Row({
  model,
  tick,
  handlers,
}: {
  model: LadderModel;
  tick: number;
  handlers: RowHandlers;
}) {
  const subscribe = useCallback((l: () => void) => model.subscribeRow(tick, l), [model, tick]);
  const row = useSyncExternalStore(subscribe, () => model.row(tick));
  if (row === undefined) return null;
  const inst = model.scope.instrument;
  const price = formatPrice(row.price, inst);
  const buys = row.orders.filter((o) => o.side === 'buy');
  const sells = row.orders.filter((o) => o.side === 'sell');
  return (
    <div
      className={`ladder-row ${row.last ? 'last' : ''} ${row.bestBid ? 'best-bid' : ''} ${row.bestAsk ? 'best-ask' : ''}`}
      role="row"
      data-price={row.price}
      onPointerUp={() => handlers.drop(row.price)}
    >
      <span className="cell ladder-orders buy" role="gridcell">
        {buys.map((o) => (
          <OrderChip key={o.orderId} o={o} handlers={handlers} price={price} />
        ))}
      </span>
      <button
        type="button"
        tabIndex={-1}
        className="cell bid"
        aria-label={`Buy limit at ${price}`}
        onClick={() => handlers.place('buy', row.price)}
      >
        {row.bidSize !== null ? formatQty(row.bidSize, inst.qtyStep) : ''}
      </button>
      <span className="cell price num" role="gridcell">
        {price}
      </span>
      <button
        type="button"
        tabIndex={-1}
        className="cell ask"
        aria-label={`Sell limit at ${price}`}
        onClick={() => handlers.place('sell', row.price)}
      >
        {row.askSize !== null ? formatQty(row.askSize, inst.qtyStep) : ''}
      </button>
      <span className="cell ladder-orders sell" role="gridcell">
        {sells.map((o) => (
          <OrderChip key={o.orderId} o={o} handlers={handlers} price={price} />
        ))}
      </span>
      <span className="cell vol num" role="gridcell">
        {row.volume > 0 ? formatQty(row.volume, inst.qtyStep) : ''}
      </span>
    </div>
  );
});

function OrderChip({ o, handlers, price }: { o: RowOrder; handlers: RowHandlers; price: string }) {
  const tag =
    o.type === 'limit' ? 'LMT' : o.type === 'stop' ? 'STP' : o.type === 'stop_limit' ? 'STL' : 'TRL';
  return (
    <span
      className={`ladder-order ${o.side} ${o.pending ? 'pending' : ''}`}
      aria-label={`${o.side} ${o.qty} ${tag} at ${price}, order ${o.orderId}`}
      title="Drag to another row to move this order"
      onPointerDown={(e) => {
        e.preventDefault();
        handlers.startDrag(o);
      }}
    >
      {formatQty(o.qty)} {tag}
      <button
        type="button"
        tabIndex={-1}
        aria-label={`Cancel order ${o.orderId}`}
        onPointerDown={(e) => e.stopPropagation()}
        onClick={() => handlers.cancel(o)}
      >
        ×
      </button>
    </span>
  );
}
