/**
 * Modify a working order's quantity and prices from the orders table. The dialog checks values
 * against the instrument's grid as the ticket does (the main process checks again: this is a
 * courtesy, not the rule), and sends one idempotency key per dialog so a retry is never a second
 * change. The order shows "pending replace" until the broker answers.
 */
import { useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Order } from '../../shared/domain';
import { instrumentKey } from '../../shared/keys';
import { formatPriceInput, formatQuantity } from '../../shared/money';
import { checkPrice, checkQty } from '../../shared/orderChecks';
import { READ_ONLY_TEXT } from '../connections/trading';
import { useUi } from '../layout/dialogs';
import { Modal } from '../layout/Modal';
import { useStore, useTerminal } from '../state/context';
import { useReadOnly } from '../tables/cells';
import { newRequestKey } from './keys';
import { orderTypeText } from './words';

const hasLimit = (o: Order): boolean => o.type === 'limit' || o.type === 'stop_limit';
const hasStop = (o: Order): boolean => o.type === 'stop' || o.type === 'stop_limit';

export function ModifyButton({ order }: { order: Order }) {
  const [open, setOpen] = useState(false);
  const readOnly = useReadOnly(order.connectionId);
  const canModify = useStore((s) => s.connections.get(order.connectionId)?.capabilities?.modify ?? true);
  const waiting = order.placeholder === true || order.pendingAction !== undefined;
  const editable = !readOnly && canModify && !waiting && order.type !== 'market';
  const why = readOnly
    ? READ_ONLY_TEXT
    : !canModify
      ? 'This connection cannot modify orders in place: cancel and place a new one.'
      : waiting
        ? 'Waiting for the broker to answer an earlier request on this order.'
        : order.type === 'market'
          ? 'A market order has no price to change.'
          : `Edit order ${order.id}`;
  return (
    <>
      <button
        type="button"
        className="row-btn"
        onClick={() => setOpen(true)}
        disabled={!editable}
        aria-label="Edit"
        title={why}
      >
        Edit
      </button>
      {open ? <ModifyDialog order={order} close={() => setOpen(false)} /> : null}
    </>
  );
}

function ModifyDialog({ order, close }: { order: Order; close(): void }) {
  const { api } = useTerminal();
  const ui = useUi();
  const inst = useStore((s) => s.instruments.get(instrumentKey(order.connectionId, order.symbol)));
  // Fields start at the order's values on the listing's grid (never "5424.2500000001").
  const [qty, setQty] = useState(formatQuantity(order.qty, inst?.qtyStep).replaceAll(',', ''));
  const [limit, setLimit] = useState(
    order.limitPrice === null ? '' : formatPriceInput(order.limitPrice, inst),
  );
  const [stop, setStop] = useState(order.stopPrice === null ? '' : formatPriceInput(order.stopPrice, inst));
  // The problem, and the field it is about (said beside that field) when it is one field's.
  const [problem, setProblem] = useState<{ field: ModifyField | null; message: string } | null>(null);
  const setError = (message: string | null, field: ModifyField | null = null) =>
    setProblem(message === null ? null : { field, message });
  const error = problem?.field === null ? problem.message : null;
  const fieldError = (field: ModifyField) => (problem?.field === field ? problem.message : undefined);
  const [busy, setBusy] = useState(false);
  // One key for this edit, reused if the trader retries after an unclear answer.
  const key = useRef(newRequestKey());

  const submit = async () => {
    if (inst === undefined) return setError(`${order.symbol} is no longer listed.`);
    const change: { qty?: number; limitPrice?: number; stopPrice?: number } = {};
    const q = checkQty(inst, Number(qty));
    if (!q.ok) return setError(q.error.message, 'qty');
    if (q.value !== order.qty) change.qty = q.value;
    if (q.value <= order.filledQty)
      return setError(`Quantity must stay above the ${order.filledQty} already filled.`, 'qty');
    if (hasLimit(order)) {
      const p = checkPrice(inst, 'Limit price', Number(limit));
      if (!p.ok) return setError(p.error.message, 'limit');
      if (p.value !== order.limitPrice) change.limitPrice = p.value;
    }
    if (hasStop(order)) {
      const p = checkPrice(inst, 'Stop price', Number(stop));
      if (!p.ok) return setError(p.error.message, 'stop');
      if (p.value !== order.stopPrice) change.stopPrice = p.value;
    }
    if (Object.keys(change).length === 0) return setError('Nothing changed.');
    setBusy(true);
    try {
      const res = await api.orders.modify({
        connectionId: order.connectionId,
        orderId: order.id,
        idempotencyKey: key.current,
        ...change,
      });
      if (res.ok) {
        ui.notify('info', `Order ${order.id} modified.`);
        close();
      } else setError(res.error.message);
    } catch (e) {
      setError(
        `No answer from the terminal: ${e instanceof Error ? e.message : String(e)}. Retrying sends the same change.`,
      );
    } finally {
      setBusy(false);
    }
  };

  // Portalled to the body: a dialog inside a table cell would be clipped by the virtual table.
  return createPortal(
    <Modal className="modify-order" labelledBy="modify-title" onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="modify-title">
          Modify {order.side} {orderTypeText[order.type].toLowerCase()} {order.symbol}
        </h2>
        <p className="muted">
          Order {order.id} · {order.filledQty} of {order.qty} filled
        </p>
        <ModifyInput field="qty" label="Quantity" value={qty} onChange={setQty} error={fieldError('qty')} />
        {hasLimit(order) ? (
          <ModifyInput
            field="limit"
            label="Limit price"
            value={limit}
            onChange={setLimit}
            error={fieldError('limit')}
          />
        ) : null}
        {hasStop(order) ? (
          <ModifyInput
            field="stop"
            label="Stop price"
            value={stop}
            onChange={setStop}
            error={fieldError('stop')}
          />
        ) : null}
        {error !== null ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" onClick={close}>
            Close
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Sending…' : 'Modify order'}
          </button>
        </div>
      </form>
    </Modal>,
    document.body,
  );
}

type ModifyField = 'qty' | 'limit' | 'stop';

/** One of the dialog's fields, with its problem (if any) beside it and named by aria-describedby. */
function ModifyInput({
  field,
  label,
  value,
  onChange,
  error,
}: {
  field: ModifyField;
  label: string;
  value: string;
  onChange(value: string): void;
  error: string | undefined;
}) {
  const errorId = `modify-${field}-error`;
  return (
    <>
      <label>
        {label}
        <input
          inputMode="decimal"
          value={value}
          aria-invalid={error !== undefined}
          aria-describedby={error === undefined ? undefined : errorId}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {error !== undefined ? (
        <p id={errorId} className="field-error modify-field-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
