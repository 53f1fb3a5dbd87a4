/**
 * A gateway's trading signal as the alert engine's `signal` notice ("BUY 10 AAPL @ 150.25,
 * confidence 85 %"), so the engine's sink needs one line to raise it:
 * `if (event.type === 'signal') alerts.signal(signalNotice(event.signal, connection.label))`.
 */
import type { TradeSignal } from '../../../../shared/domain';
import type { SignalNotice } from '../../alerts/engine';

export function signalNotice(s: TradeSignal, source: string): SignalNotice {
  const qty = s.qty === null ? '' : ` ${s.qty}`;
  const price = s.price === null ? '' : ` @ ${s.price}`;
  const confidence = s.confidence === null ? '' : `, confidence ${Math.round(s.confidence * 100)} %`;
  return {
    source,
    symbol: s.symbol,
    message: `${s.side.toUpperCase()}${qty} ${s.symbol}${price}${confidence}`,
  };
}
