/**
 * Small cells that subscribe to exactly what they show (an instrument's precision, an account's
 * name), so a table row does not re-render when an unrelated account or instrument changes.
 */
import { formatAverage, formatPrice } from '../../shared/money';
import { formatPnl, formatQty } from '../format';
import { isReadOnly } from '../connections/trading';
import { accountKey, instrumentKey } from '../../shared/keys';
import { useStore } from '../state/context';

interface ListingProps {
  connectionId: string;
  symbol: string;
}

/**
 * A price on its listing's tick, at the tick's decimals, with thousands separators (the listing
 * is per connection: two brokers may list ES). `average` for an average of fills, which is never
 * rounded to the tick.
 */
export function PriceCell({
  connectionId,
  symbol,
  value,
  average = false,
}: ListingProps & { value: number | null; average?: boolean }) {
  const precision = useStore((s) => s.instruments.get(instrumentKey(connectionId, symbol))?.pricePrecision);
  const tickSize = useStore((s) => s.instruments.get(instrumentKey(connectionId, symbol))?.tickSize);
  return (
    <span className="num">
      {(average ? formatAverage : formatPrice)(
        value,
        precision === undefined ? undefined : { pricePrecision: precision, tickSize },
      )}
    </span>
  );
}

/** A quantity at its listing's step ("1,250", "0.0150"). */
export function QtyCell({ connectionId, symbol, value }: ListingProps & { value: number }) {
  const step = useStore((s) => s.instruments.get(instrumentKey(connectionId, symbol))?.qtyStep);
  return <span className="num">{formatQty(value, step)}</span>;
}

/** Money of a listing (a fee, a P&L) in the listing's currency; USD until the listing is known. */
export function ListingMoneyCell({ connectionId, symbol, value }: ListingProps & { value: number }) {
  const currency = useStore((s) => s.instruments.get(instrumentKey(connectionId, symbol))?.currency);
  return <span className="num">{formatPnl(value, currency)}</span>;
}

/** The account's name, or failing that its connection's label (never a bare broker id when avoidable). */
export function AccountCell({ connectionId, accountId }: { connectionId: string; accountId: string }) {
  const name = useStore((s) => s.accounts.get(accountKey(connectionId, accountId))?.name);
  const verified = useStore((s) => s.accounts.get(accountKey(connectionId, accountId))?.verified);
  const label = useStore((s) => s.connections.get(connectionId)?.label);
  return (
    <span title={`${label ?? connectionId} · account ${accountId}`}>
      {name ?? (label === undefined ? accountId : `${label} · ${accountId}`)}
      {verified === false ? <span className="tag unverified-tag">UNVERIFIED</span> : null}
    </span>
  );
}

export function SideCell({ side }: { side: 'buy' | 'sell' }) {
  return <span className={side === 'buy' ? 'up' : 'down'}>{side === 'buy' ? 'Buy' : 'Sell'}</span>;
}

/** True when the connection says it cannot trade (a read-only gateway). */
export function useReadOnly(connectionId: string): boolean {
  return useStore((s) => isReadOnly(s.connections.get(connectionId)));
}
