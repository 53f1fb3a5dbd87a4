/**
 * A gateway's trading signal as the alert engine's `signal` notice ("BUY 10 AAPL @ 150.25,
 * confidence 85 %"), raised by the engine's sink for every `signal` event of a gateway.
 */
import type { TradeSignal } from '../../../shared/domain';
import type { SignalNotice } from './engine';

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
