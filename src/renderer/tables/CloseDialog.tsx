/**
 * "Close ES?": shown when the position has working orders on its symbol. Cancelling them in the
 * same action is the default (a resting stop could otherwise re-open the position); the trader can
 * untick it to keep them. Terminal-managed protection is named, with what happens to it.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { Order, Position } from '../../shared/domain';
import { formatSignedQty } from '../format';
import { restingText } from './closeText';
import './closePosition.css';

interface Props {
  position: Position;
  working: readonly Order[];
  price(o: Order, value: number): string;
  answer(choice: { cancelWorking: boolean } | null): void;
}

export function CloseDialog({ position, working, price, answer }: Props) {
  const [cancelWorking, setCancelWorking] = useState(true);
  const first = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => first.current?.focus(), []);
  const managed = working.filter((o) => o.heldBy === 'terminal');
  const n = working.length;

  // Focus stays in the dialog: Tab from the last control wraps to the first, and back.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') return answer(null);
    if (e.key !== 'Tab' || box.current === null) return;
    const focusable = [...box.current.querySelectorAll<HTMLElement>('input, button')].filter(
      (el) => !el.hasAttribute('disabled'),
    );
    const [head] = focusable;
    const tail = focusable.at(-1);
    if (e.shiftKey && document.activeElement === head) {
      e.preventDefault();
      tail?.focus();
    } else if (!e.shiftKey && document.activeElement === tail) {
      e.preventDefault();
      head?.focus();
    }
  };

  return createPortal(
    <div className="modal-backdrop">
      <div
        ref={box}
        className="modal close-position"
        role="dialog"
        aria-modal="true"
        aria-labelledby="close-title"
        onKeyDown={onKeyDown}
      >
        <h2 id="close-title">Close {position.symbol}?</h2>
        <p>
          A market order takes the {formatSignedQty(position.qty)} {position.symbol} position to flat.{' '}
          {n === 1 ? 'One order is' : `${n} orders are`} still working on {position.symbol}:
        </p>
        <ul className="close-orders">
          {working.map((o) => (
            <li key={`${o.connectionId}:${o.id}`}>
              {o.side === 'buy' ? 'Buy' : 'Sell'} {o.qty} {restingText(o, price)}
              {o.heldBy === 'terminal' ? <span className="tag"> terminal-managed</span> : null}
            </li>
          ))}
        </ul>
        <label className="close-cancel">
          <input
            ref={first}
            type="checkbox"
            checked={cancelWorking}
            onChange={(e) => setCancelWorking(e.target.checked)}
          />{' '}
          Also cancel {n === 1 ? 'it' : `these ${n} orders`} (first, so nothing re-opens the position)
        </label>
        {managed.length > 0 ? (
          <p className="muted">
            {cancelWorking
              ? 'Terminal-managed protection on this symbol is cancelled with its orders.'
              : 'Terminal-managed protection on this symbol keeps running while Peregrine runs, and may re-open the position.'}
          </p>
        ) : !cancelWorking ? (
          <p className="muted">Orders left working may re-open the position.</p>
        ) : null}
        <div className="modal-actions">
          <button type="button" onClick={() => answer(null)}>
            Keep
          </button>
          <button type="button" className="danger" onClick={() => answer({ cancelWorking })}>
            Close position
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
