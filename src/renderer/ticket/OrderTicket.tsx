/**
 * Order ticket. "Buy" and "Sell" submit; nothing is sent until the inputs pass validation against
 * the instrument's tick size and quantity step. Enter in a field buys and Shift+Enter sells, once
 * the ticket is valid (an invalid ticket shows its errors and sends nothing); price fields step by
 * ticks with ± and the arrow keys; quantity presets sit under the quantity.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Account, Instrument, OrderType, Side, TimeInForce } from '../../shared/domain';
import { formatAverage, formatPrice, formatPriceInput, moveInTicks } from '../../shared/money';
import { accountKey, instrumentKey, orderKey, positionKey, quoteKey } from '../../shared/keys';
import { freshness } from '../state/clock';
import { formatPnl, formatQty, formatSignedQty, formatTicks, showsTicks, signClass } from '../format';
import { isReadOnly, READ_ONLY_TEXT } from '../connections/trading';
import { accountText, ticketAccounts } from './accounts';
import { OrderIntents } from './intent';
import { useNow, useStore, useTerminal } from '../state/context';
import { useUi } from '../layout/dialogs';
import { useRisk } from '../alerts/RiskContext';
import { orderStatusText } from '../orders/words';
import { needsLimit, needsStop, validateTicket, type TicketErrors, type TicketInput } from './validate';
import {
  protectionModes,
  protectionName,
  validateProtection,
  type ProtectionErrors,
  type ProtectionMode,
} from './protection';
import { ProtectionFields, type ProtectionDraft } from './ProtectionFields';
import { PriceInput } from './PriceInput';
import { qtyPresets } from './stepping';
import { usePublishTradeTarget } from '../hotkeys/tradeTarget';
import './ticketKeys.css';

const initialDraft: ProtectionDraft = {
  entryType: 'limit',
  limitPrice: '',
  target: '8',
  targetUnit: 'ticks',
  stop: '8',
  stopUnit: 'ticks',
  trailBy: 'ticks',
  trailOffset: '4',
  activation: '',
};

const orderTypes: { value: OrderType; label: string }[] = [
  { value: 'market', label: 'Market' },
  { value: 'limit', label: 'Limit' },
  { value: 'stop', label: 'Stop' },
  { value: 'stop_limit', label: 'Stop limit' },
];
const tifs: { value: TimeInForce; label: string }[] = [
  { value: 'day', label: 'Day' },
  { value: 'gtc', label: 'GTC' },
  { value: 'ioc', label: 'IOC' },
];

type Outcome =
  | { kind: 'sent'; orderKey: string; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'unknown'; text: string }
  | null;

export function OrderTicket({ instrument: shown }: { instrument: Instrument | undefined }) {
  const { api } = useTerminal();
  const ui = useUi();
  const risk = useRisk();
  const accounts = useStore((s) => s.accounts);
  const connections = useStore((s) => s.connections);
  const instruments = useStore((s) => s.instruments);
  const [accountChoice, setAccountChoice] = useState<string>('');
  // One picker across every connection that lists the symbol (see ticketAccounts).
  const eligible = useMemo<Account[]>(
    () => ticketAccounts(accounts.values(), connections, instruments, shown),
    [accounts, connections, instruments, shown],
  );
  const account =
    eligible.find((a) => accountKey(a.connectionId, a.accountId) === accountChoice) ?? eligible[0] ?? null;
  // The order goes to the chosen account's connection, checked against that connection's listing.
  const instrument =
    shown && account ? (instruments.get(instrumentKey(account.connectionId, shown.symbol)) ?? shown) : shown;
  const readOnly = useStore((s) =>
    instrument ? isReadOnly(s.connections.get(instrument.connectionId)) : false,
  );
  // Lives as long as the ticket: a retry after a reload is a new intent (the page lost the id).
  const [intents] = useState(
    () =>
      new OrderIntents(async () => {
        const r = await api.orders.newClientOrderId({});
        if (!r.ok) throw new Error(r.error.message);
        return r.value.clientOrderId;
      }),
  );
  const quote = useStore((s) =>
    instrument ? s.quotes.get(quoteKey(instrument.connectionId, instrument.symbol)) : undefined,
  );
  const orders = useStore((s) => s.orders);
  const id = useId();
  const now = useNow();
  const quoteFreshness = freshness(quote?.receivedAt, now);

  const [type, setType] = useState<OrderType>('limit');
  const [tif, setTif] = useState<TimeInForce>('day');
  const [qty, setQty] = useState('1');
  const [limitPrice, setLimitPrice] = useState('');
  const [stopPrice, setStopPrice] = useState('');
  const [errors, setErrors] = useState<TicketErrors>({});
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<ProtectionMode>('none');
  const [draft, setDraft] = useState<ProtectionDraft>(initialDraft);
  const [protectionErrors, setProtectionErrors] = useState<ProtectionErrors>({});
  const capabilities = instrument ? connections.get(instrument.connectionId)?.capabilities : undefined;

  // Hotkeys, the DOM ladder and clicks on the chart trade the ticket's symbol, account and quantity.
  usePublishTradeTarget({ instrument, account, qty });

  // A message answers the order it was about: any edit (type, price, quantity, account, protection)
  // clears a success or a rejection. "Result unknown" stays: that order may still be live.
  const editKey = JSON.stringify([type, tif, qty, limitPrice, stopPrice, accountChoice, mode, draft]);
  const [editedFor, setEditedFor] = useState(editKey);
  if (editKey !== editedFor) {
    setEditedFor(editKey);
    if (outcome !== null && outcome.kind !== 'unknown') setOutcome(null);
  }

  // Prefill the limit price from the book when the symbol changes (or its first quote arrives);
  // later ticks do not overwrite what the trader typed. State adjusted during render, as React
  // recommends for values derived from a changed prop, so there is no extra commit.
  const prefillKey = instrument
    ? `${instrument.connectionId}:${instrument.symbol}${quote ? '' : ':noquote'}`
    : null;
  const [prefilledFor, setPrefilledFor] = useState<string | null>(null);
  if (prefillKey !== prefilledFor) {
    setPrefilledFor(prefillKey);
    setErrors({});
    setOutcome(null);
    setStopPrice('');
    const mid = instrument && quote ? formatPriceInput((quote.bid + quote.ask) / 2, instrument) : '';
    setLimitPrice(mid);
    setDraft((d) => ({ ...d, limitPrice: mid }));
  }

  const chooseMode = (m: ProtectionMode) => {
    setMode(m);
    setProtectionErrors({});
    setOutcome(null);
    // An OCO's legs are prices around the market; a bracket starts in ticks from its entry.
    if (m === 'oco' && instrument && quote) {
      const t = instrument.tickSize * 8;
      setDraft((d) => ({
        ...d,
        target: formatPriceInput(quote.last + t, instrument),
        stop: formatPriceInput(quote.last - t, instrument),
        targetUnit: 'price',
        stopUnit: 'price',
      }));
    } else if (m === 'bracket')
      setDraft((d) => ({ ...d, target: '8', stop: '8', targetUnit: 'ticks', stopUnit: 'ticks' }));
  };

  const submitProtection = async (side: Side, m: Exclude<ProtectionMode, 'none'>) => {
    if (!instrument) return;
    const check = validateProtection(
      { ...draft, mode: m, side, qty, tif: 'gtc' },
      instrument,
      account,
      quote?.last ?? null,
    );
    if (!check.ok) {
      setProtectionErrors(check.errors);
      setOutcome(null);
      return;
    }
    setProtectionErrors({});
    setBusy(true);
    try {
      const idRes = await api.orders.newClientOrderId({});
      if (!idRes.ok) throw new Error(idRes.error.message);
      const res = await api.protection.place({ ...check.request, clientOrderId: idRes.value.clientOrderId });
      if (!res.ok) setOutcome({ kind: 'error', text: res.error.message });
      else
        setOutcome({
          kind: 'sent',
          orderKey: '',
          text: `${protectionName(m)} ${side} ${formatQty(check.request.qty, instrument.qtyStep)} ${instrument.symbol} placed — held by ${res.value.heldBy === 'terminal' ? 'this terminal' : `the ${res.value.heldBy}`}.`,
        });
    } catch (e) {
      setOutcome({
        kind: 'unknown',
        text: `${e instanceof Error ? e.message : String(e)} Check Orders before trying again.`,
      });
    } finally {
      setBusy(false);
    }
  };

  // A rejection can arrive later on the stream; show the engine's reason when it does.
  const sentOrder = outcome?.kind === 'sent' ? orders.get(outcome.orderKey) : undefined;
  const streamRejection =
    sentOrder?.status === 'rejected' ? (sentOrder.rejectReason ?? 'Rejected by the broker.') : null;

  const takeBookPrice = (v: number | undefined) => {
    if (v === undefined || !instrument) return;
    setLimitPrice(formatPriceInput(v, instrument));
    if (!needsLimit(type)) setType('limit');
  };

  const submit = async (side: Side) => {
    if (!instrument || busy) return;
    if (mode !== 'none') return submitProtection(side, mode);
    const input: TicketInput = { side, type, tif, qty, limitPrice, stopPrice };
    const check = validateTicket(input, instrument, account);
    if (!check.ok) {
      setErrors(check.errors);
      setOutcome(null);
      return;
    }
    setErrors({});
    setBusy(true);
    // Same order as an attempt whose outcome is unknown → same client order id (no double fill).
    try {
      const request = await intents.begin(check.request);
      let res = await api.orders.place(request);
      // The fat-finger guard: a size above the confirmation threshold is asked about, not sent.
      if (!res.ok && res.error.code === 'needs_confirmation') {
        const yes = await ui.confirm('Confirm a large order', res.error.message, `Send ${check.request.qty}`);
        if (yes) res = await api.orders.place({ ...request, confirmLarge: true });
      }
      // Unknown at the broker: the intent stays, so a retry click sends nothing new.
      if (!res.ok && res.error.code === 'outcome_unknown') {
        setOutcome({ kind: 'unknown', text: res.error.message });
        return;
      }
      intents.settled(request.clientOrderId);
      if (!res.ok) setOutcome({ kind: 'error', text: res.error.message });
      else if (res.value.status === 'rejected')
        setOutcome({ kind: 'error', text: res.value.rejectReason ?? 'Rejected by the broker.' });
      else
        setOutcome({
          kind: 'sent',
          orderKey: orderKey(res.value.connectionId, res.value.id),
          text: `${side === 'buy' ? 'Buy' : 'Sell'} ${formatQty(check.request.qty, instrument.qtyStep)} ${instrument.symbol} sent (${orderStatusText(res.value).toLowerCase()}).`,
        });
    } catch (e) {
      // The call may or may not have reached the broker: keep the intent so a retry is safe.
      setOutcome({
        kind: 'unknown',
        text: `${e instanceof Error ? e.message : String(e)} Check Orders; clicking ${side === 'buy' ? 'Buy' : 'Sell'} again with the same order retries it under the same client order id, so it cannot be placed twice.`,
      });
    } finally {
      setBusy(false);
    }
  };

  const errorText = outcome?.kind === 'error' ? outcome.text : streamRejection;
  // The ticket scrolls within its column: a new message is brought into view, never left under
  // the bottom panel (protection fields make the form taller than a 720-pixel window allows).
  const resultRef = useRef<HTMLDivElement>(null);
  const resultKey = errorText ?? (outcome ? `${outcome.kind}:${outcome.text}` : null);
  useEffect(() => {
    if (resultKey !== null) resultRef.current?.scrollIntoView({ block: 'nearest' });
  }, [resultKey]);
  const disabled = !instrument || busy || readOnly;
  const sideTitle = readOnly ? READ_ONLY_TEXT : undefined;
  return (
    <section className="panel ticket" aria-label="Order ticket">
      <header className="panel-head">
        Order ticket <span className="ticket-symbol">{instrument?.symbol ?? ''}</span>
      </header>
      <form
        className="ticket-body"
        onSubmit={(e) => e.preventDefault()}
        onKeyDown={(e) => {
          // Enter in a text field submits: Buy, or Sell with Shift. Validation still decides.
          if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement) || disabled) return;
          e.preventDefault();
          // One press, one order: a held Enter's auto-repeat and an IME's confirming Enter send nothing.
          if (e.repeat || e.nativeEvent.isComposing) return;
          void submit(e.shiftKey ? 'sell' : 'buy');
        }}
        noValidate
      >
        <div className={`book mark-${quote ? quoteFreshness : 'stale'}`}>
          <button
            type="button"
            className="book-side bid"
            onClick={() => takeBookPrice(quote?.bid)}
            title="Use the bid as the limit price"
            disabled={!quote}
          >
            <span className="book-label">Bid</span>
            <span className="num">{formatPrice(quote?.bid, instrument)}</span>
          </button>
          <button
            type="button"
            className="book-side ask"
            onClick={() => takeBookPrice(quote?.ask)}
            title="Use the ask as the limit price"
            disabled={!quote}
          >
            <span className="book-label">Ask</span>
            <span className="num">{formatPrice(quote?.ask, instrument)}</span>
          </button>
        </div>

        {eligible.length > 1 ? (
          <label className="field" htmlFor={`${id}-acct`}>
            <span>Account</span>
            <select
              id={`${id}-acct`}
              value={account ? accountKey(account.connectionId, account.accountId) : ''}
              onChange={(e) => setAccountChoice(e.target.value)}
            >
              {eligible.map((a) => (
                <option
                  key={accountKey(a.connectionId, a.accountId)}
                  value={accountKey(a.connectionId, a.accountId)}
                >
                  {accountText(a, connections.get(a.connectionId)?.label)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <div className="field readonly">
            <span>Account</span>
            <span>
              {account ? account.name : 'none'}
              {account && !account.verified ? <span className="tag unverified-tag">UNVERIFIED</span> : null}
            </span>
          </div>
        )}

        <label className="field" htmlFor={`${id}-prot`}>
          <span>Protection</span>
          <select
            id={`${id}-prot`}
            value={mode}
            onChange={(e) => chooseMode(e.target.value as ProtectionMode)}
          >
            {protectionModes.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>

        {mode === 'none' ? (
          <label className="field" htmlFor={`${id}-type`}>
            <span>Order type</span>
            <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value as OrderType)}>
              {orderTypes.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        ) : null}

        <label className="field" htmlFor={`${id}-qty`}>
          <span>Quantity</span>
          <input
            id={`${id}-qty`}
            inputMode="decimal"
            autoComplete="off"
            value={qty}
            aria-invalid={errors.qty ? true : undefined}
            aria-describedby={errors.qty ? `${id}-qty-err` : undefined}
            onChange={(e) => setQty(e.target.value)}
          />
        </label>
        {instrument ? (
          <div className="qty-presets" role="group" aria-label="Quantity presets">
            {qtyPresets(instrument).map((p) => (
              <button
                key={p}
                type="button"
                tabIndex={-1}
                className={qty === p ? 'active' : ''}
                title={`Quantity ${p}`}
                onClick={() => setQty(p)}
              >
                {p}
              </button>
            ))}
          </div>
        ) : null}
        {errors.qty ? (
          <div className="field-error" id={`${id}-qty-err`} role="alert">
            {errors.qty}
          </div>
        ) : null}

        {mode !== 'none' ? (
          <ProtectionFields
            id={`${id}-p`}
            mode={mode}
            draft={draft}
            errors={protectionErrors}
            capabilities={capabilities}
            onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
          />
        ) : null}
        {errors.qty === undefined && protectionErrors.qty ? (
          <div className="field-error" role="alert">
            {protectionErrors.qty}
          </div>
        ) : null}

        {mode === 'none' && needsLimit(type) ? (
          <PriceInput
            id={`${id}-lmt`}
            label="Limit price"
            value={limitPrice}
            onChange={setLimitPrice}
            instrument={instrument}
            market={quote?.last}
            error={errors.limitPrice}
          />
        ) : null}

        {mode === 'none' && needsStop(type) ? (
          <PriceInput
            id={`${id}-stp`}
            label="Stop price"
            value={stopPrice}
            onChange={setStopPrice}
            instrument={instrument}
            market={quote?.last}
            error={errors.stopPrice}
          />
        ) : null}

        {mode === 'none' ? (
          <label className="field" htmlFor={`${id}-tif`}>
            <span>Time in force</span>
            <select id={`${id}-tif`} value={tif} onChange={(e) => setTif(e.target.value as TimeInForce)}>
              {tifs.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
        ) : null}

        {instrument ? (
          <div className="ticket-hint">
            tick {instrument.tickSize} · step {instrument.qtyStep} · ×{instrument.multiplier}
          </div>
        ) : null}
        {errors.account ? (
          <div className="field-error" role="alert">
            {errors.account}
          </div>
        ) : null}

        {/* Sell sits under the bid it hits, Buy under the ask it lifts, in the same colours. */}
        <div className="sides">
          <button
            type="button"
            className="side sell"
            disabled={disabled}
            title={sideTitle}
            onClick={() => void submit('sell')}
          >
            Sell
          </button>
          <button
            type="button"
            className="side buy"
            disabled={disabled}
            title={sideTitle}
            onClick={() => void submit('buy')}
          >
            Buy
          </button>
        </div>
        {!disabled ? (
          <div className="ticket-hint ticket-keys">Enter buys · Shift+Enter sells · ↑↓ ticks</div>
        ) : null}
        {readOnly ? (
          <div className="ticket-hint" role="note">
            {READ_ONLY_TEXT}: {instrument?.connectionId} streams prices and positions but cannot take orders.
          </div>
        ) : null}

        <PositionSummary instrument={instrument} account={account} />

        {risk.locked ? (
          <div className="ticket-locked" role="status" aria-label="Trading locked">
            Trading locked{risk.status?.reason ? ` (${risk.status.reason})` : ''}: only orders that reduce a
            position are accepted until the next session or an unlock in the Risk tab.
          </div>
        ) : null}

        {errorText ? (
          <div className="ticket-result error" role="alert" ref={resultRef}>
            Rejected: {errorText}
          </div>
        ) : outcome?.kind === 'unknown' ? (
          <div className="ticket-result error" role="alert" ref={resultRef}>
            Result unknown: {outcome.text}
          </div>
        ) : outcome?.kind === 'sent' ? (
          <div className="ticket-result ok" role="status" ref={resultRef}>
            {outcome.text}
          </div>
        ) : null}
      </form>
    </section>
  );
}

/** The trader's position in the ticket's symbol and account, so size decisions need no glance away. */
function PositionSummary({
  instrument,
  account,
}: {
  instrument: Instrument | undefined;
  account: Account | null;
}) {
  const key =
    instrument && account ? positionKey(account.connectionId, account.accountId, instrument.symbol) : '';
  const position = useStore((s) => s.positions.get(key));
  const now = useNow();
  if (!instrument || !position || position.qty === 0) return null;
  const f = freshness(position.markedAt, now);
  return (
    <div className="ticket-position" aria-label="Current position">
      <span className="k">Position</span>
      <span className={`v num ${signClass(position.qty, 8)}`}>
        {formatSignedQty(position.qty, instrument.qtyStep)}
      </span>
      <span className="k">Average</span>
      <span className="v num">{formatAverage(position.avgPrice, instrument)}</span>
      <span className="k">Unrealized</span>
      <span className={`v num ${signClass(position.unrealizedPnl)} mark-${f}`}>
        {formatPnl(position.unrealizedPnl, position.currency)}
        {showsTicks(instrument) && position.last !== null
          ? ` · ${formatTicks(moveInTicks(position.avgPrice, position.last, position.qty >= 0 ? 'long' : 'short', instrument.tickSize))} ticks`
          : null}
      </span>
    </div>
  );
}
