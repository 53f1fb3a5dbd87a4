/**
 * Binance's request signatures as the server checks them: HMAC-SHA256 (hex) of the query string
 * (REST) or of the params sorted by name as `k=v&…` (WebSocket API), and the `recvWindow` rule
 * (`timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** The payload the WebSocket API signs: every param but `signature`, sorted by name. */
export function wsApiPayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
}

/** The REST payload: the query string as sent, without its `signature` parameter. */
export function restPayload(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((p) => p !== '' && !p.startsWith('signature='))
    .join('&');
}

export function signatureMatches(secret: string, payload: string, signature: string): boolean {
  const want = Buffer.from(hmacHex(secret, payload), 'utf8');
  const got = Buffer.from(signature, 'utf8');
  return want.length === got.length && timingSafeEqual(want, got);
}

export type TimeCheck = 'ok' | 'outside' | 'bad';

/** Binance's timing rule; recvWindow defaults to 5000 ms and may not exceed 60000. */
export function checkTimestamp(timestamp: unknown, recvWindow: unknown, serverTime: number): TimeCheck {
  const ts = Number(timestamp);
  const win = recvWindow === undefined ? 5000 : Number(recvWindow);
  if (!Number.isFinite(ts) || !Number.isFinite(win) || win <= 0 || win > 60_000) return 'bad';
  if (ts < serverTime + 1000 && serverTime - ts <= win) return 'ok';
  return 'outside';
}
