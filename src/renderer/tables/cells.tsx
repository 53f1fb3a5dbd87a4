/**
 * Small cells that subscribe to exactly what they show (an instrument's precision, an account's
 * name), so a table row does not re-render when an unrelated account or instrument changes.
 */
import { formatPrice } from '../../shared/money';
import { isReadOnly } from '../connections/trading';
import { accountKey, instrumentKey } from '../../shared/keys';
import { useStore } from '../state/context';

/** A price at its listing's precision (the listing is per connection: two brokers may list ES). */
export function PriceCell({
  connectionId,
  symbol,
  value,
}: {
  connectionId: string;
  symbol: string;
  value: number | null;
}) {
  const precision = useStore((s) => s.instruments.get(instrumentKey(connectionId, symbol))?.pricePrecision);
  return (
    <span className="num">
      {formatPrice(value, precision === undefined ? undefined : { pricePrecision: precision })}
    </span>
  );
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
