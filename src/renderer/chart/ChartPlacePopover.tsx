/**
 * The confirmation for an order clicked on the chart: what will be sent (side from the price
 * against the market, size and account from the ticket), checked by the ticket's own validation
 * before the trader can send it; the engine's OrderDesk checks it again.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Instrument } from '../../shared/domain';
import { accountKey, quoteKey } from '../../shared/keys';
import { tradableAccounts } from '../connections/trading';
import { useUi } from '../layout/dialogs';
import { useStore, useTerminal } from '../state/context';
import { useTradeTarget } from '../hotkeys/tradeTarget';
import { validateTicket } from '../ticket/validate';
import type { ChartClick } from './chartController';
import { planChartOrder } from './chartOrder';
import { formatPrice, formatPriceInput, formatQuantity } from '../../shared/money';

interface Props {
  instrument: Instrument;
  click: ChartClick;
  onClose(): void;
}

export function ChartPlacePopover({ instrument, click, onClose }: Props) {
  const { api, store } = useTerminal();
  const ui = useUi();
  const accounts = useStore((s) => s.accounts);
  const connections = useStore((s) => s.connections);
  const [busy, setBusy] = useState(false);
  const placeRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const listing = quoteKey(instrument.connectionId, instrument.symbol);
  // The ticket's size and account, when the ticket is on this listing (the same source hotkeys use).
  const target = useTradeTarget();
  const shared =
    target.instrument !== undefined &&
    quoteKey(target.instrument.connectionId, target.instrument.symbol) === listing
      ? target
      : null;

  // Decided once, at the click: the quote moving afterwards must not flip the side under the trader.
  const [plan] = useState(() =>
    planChartOrder(click.price, click.kind, store.getState().quotes.get(listing), instrument),
  );
  const check = useMemo(() => {
    if (!plan.ok) return null;
    const fallback = tradableAccounts(accounts.values(), connections).find(
      (a) => a.connectionId === instrument.connectionId,
    );
    const account = shared?.account ?? fallback ?? null;
    const price = formatPriceInput(click.price, instrument);
    return validateTicket(
      {
        side: plan.side,
        type: plan.type,
        tif: 'day',
        qty: shared?.qty ?? String(instrument.qtyStep),
        limitPrice: plan.type === 'limit' ? price : '',
        stopPrice: plan.type === 'stop' ? price : '',
      },
      instrument,
      account,
    );
  }, [plan, shared, accounts, connections, instrument, click.price]);

  const accountName =
    check?.ok === true
      ? (accounts.get(accountKey(check.request.connectionId, check.request.accountId))?.name ??
        check.request.accountId)
      : '';

  const boxRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    (placeRef.current ?? cancelRef.current)?.focus();
    // A press anywhere else (another Alt+click included, which opens its own) dismisses this one.
    const away = (e: PointerEvent) => {
      if (!(e.target instanceof Node) || !boxRef.current?.contains(e.target)) onClose();
    };
    document.addEventListener('pointerdown', away, true);
    return () => document.removeEventListener('pointerdown', away, true);
  }, [onClose]);

  const place = async () => {
    if (check?.ok !== true || busy) return;
    setBusy(true);
    try {
      const id = await api.orders.newClientOrderId({});
      if (!id.ok) throw new Error(id.error.message);
      // Confirmed here, so allowed on live accounts; the origin is for the log.
      const request = { ...check.request, clientOrderId: id.value.clientOrderId, origin: 'chart' as const };
      let res = await api.orders.place(request);
      // The fat-finger guard applies here as in the ticket: a large size is asked about.
      if (!res.ok && res.error.code === 'needs_confirmation') {
        const yes = await ui.confirm('Confirm a large order', res.error.message, `Send ${check.request.qty}`);
        if (yes) res = await api.orders.place({ ...request, confirmLarge: true });
      }
      if (!res.ok) ui.notify('error', `Chart order refused: ${res.error.message}`);
      else if (res.value.status === 'rejected')
        ui.notify('error', `Chart order rejected: ${res.value.rejectReason ?? 'by the broker'}`);
      onClose();
    } catch (e) {
      ui.notify('error', `Chart order: ${e instanceof Error ? e.message : String(e)} Check Orders.`);
      onClose();
    }
  };

  const errors = check === null ? [] : check.ok ? [] : Object.values(check.errors);
  const why = plan.ok ? errors.join(' ') : plan.why;
  return (
    <div
      ref={boxRef}
      className="chart-place"
      role="dialog"
      aria-label="Place order from the chart"
      data-testid="chart-place"
      style={{
        // Opens towards the roomier side of the click, so it is never cut off at an edge.
        left: click.x > click.width / 2 ? undefined : click.x + 12,
        right: click.x > click.width / 2 ? click.width - click.x + 12 : undefined,
        top: click.y > click.height / 2 ? undefined : click.y + 12,
        bottom: click.y > click.height / 2 ? click.height - click.y + 12 : undefined,
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      {plan.ok && check?.ok === true ? (
        <>
          <div className={`chart-place-what ${plan.side}`}>
            {plan.side === 'buy' ? 'Buy' : 'Sell'} {formatQuantity(check.request.qty, instrument?.qtyStep)}{' '}
            {instrument.symbol} {plan.type} @ {formatPrice(click.price, instrument)}
          </div>
          <div className="chart-place-acct">
            {accountName} · day · {plan.type === 'limit' ? 'rests until filled' : 'triggers a market order'}
          </div>
          <div className="chart-place-buttons">
            <button
              ref={placeRef}
              type="button"
              className={`chart-place-go ${plan.side}`}
              disabled={busy}
              onClick={() => void place()}
            >
              Place {plan.side} {plan.type}
            </button>
            <button ref={cancelRef} type="button" className="chart-place-cancel" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <>
          <div className="chart-place-why" role="alert">
            {why}
          </div>
          <div className="chart-place-buttons">
            <button ref={cancelRef} type="button" className="chart-place-cancel" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </div>
  );
}
