/**
 * Small cells that subscribe to exactly what they show (an instrument's precision, an account's
 * name), so a table row does not re-render when an unrelated account or instrument changes.
 */
import { formatPrice } from '../../shared/money';
import { accountKey } from '../state/store';
import { useStore } from '../state/context';

export function PriceCell({ symbol, value }: { symbol: string; value: number | null }) {
  const precision = useStore((s) => s.instruments.get(symbol)?.pricePrecision);
  return (
    <span className="num">
      {formatPrice(value, precision === undefined ? undefined : { pricePrecision: precision })}
    </span>
  );
}

export function AccountCell({ connectionId, accountId }: { connectionId: string; accountId: string }) {
  const name = useStore((s) => s.accounts.get(accountKey(connectionId, accountId))?.name);
  const verified = useStore((s) => s.accounts.get(accountKey(connectionId, accountId))?.verified);
  return (
    <span>
      {name ?? accountId}
      {verified === false ? <span className="tag unverified-tag">UNVERIFIED</span> : null}
    </span>
  );
}

export function SideCell({ side }: { side: 'buy' | 'sell' }) {
  return <span className={side === 'buy' ? 'up' : 'down'}>{side === 'buy' ? 'Buy' : 'Sell'}</span>;
}
