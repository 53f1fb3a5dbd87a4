/** App name, account mode band, account summaries, host link and connection pills. */
import { useEffect, useId, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Account, AccountMode } from '../../shared/domain';
import { freshness, type Freshness } from '../state/clock';
import { useLink, useNow, useStore } from '../state/context';
import { formatAmount, formatPnl, signClass } from '../format';
import { ConnectionPills } from '../connections/ConnectionsPanel';
import { riskiestMode, useConnectionSettings, useModeTitle } from '../connectionManager';
import { RiskBadge } from '../alerts/RiskBadge';
import { totalsByCurrency, type CurrencyTotal } from './totals';
import './topbar.css';

/** What Day P&L is made of, so the figure can be checked against the positions table. */
export function dayPnlTitle(account: Account): string {
  const parts = `Realized ${formatPnl(account.realizedPnl, account.currency)} − Fees ${formatAmount(account.fees, account.currency)} + Unrealized ${formatPnl(account.unrealizedPnl, account.currency)}`;
  return `Day P&L, net of fees and commissions (${parts}, or the broker's own figure where it reports one, moved by our marks since).`;
}

function AccountSummary({ account, marks, band }: { account: Account; marks: Freshness; band: AccountMode }) {
  return (
    <div
      className={`acct ${account.verified ? '' : 'unverified'}`}
      role="group"
      aria-label={`Account ${account.name}`}
      data-account={account.accountId}
    >
      {account.mode === band ? null : (
        <span className={`mode-tag mode-${account.mode}`}>{account.mode.toUpperCase()}</span>
      )}
      <span className="acct-name" title={account.name}>
        {account.name}
      </span>
      <span className="kv">
        <span className="k">Equity</span>
        <span
          className={`v num mark-${marks}`}
          data-figure="equity"
          title="Equity: cash plus unrealized P&L at current marks."
        >
          {formatAmount(account.equity, account.currency)}
        </span>
      </span>
      <span className="kv" title={dayPnlTitle(account)}>
        <span className="k">Day P&amp;L</span>
        <span className={`v num ${signClass(account.dayPnl)} mark-${marks}`} data-figure="day-pnl">
          {formatPnl(account.dayPnl, account.currency)}
        </span>
      </span>
      {account.verified ? null : (
        <span
          className="tag unverified-tag"
          title="Not yet reconciled with the broker since the last reconnect: positions and P&L may be incomplete."
        >
          UNVERIFIED
        </span>
      )}
      {marks === 'stale' ? <span className="tag stale-tag">stale marks</span> : null}
    </div>
  );
}

/** The sum of every account's equity and day P&L in one currency: what the trader has overall. */
function AccountsTotal({ total, labelled }: { total: CurrencyTotal; labelled: boolean }) {
  const title = `Total of ${total.accounts} accounts in ${total.currency}${total.unverified ? ', some not yet reconciled with their broker' : ''}. Accounts in other currencies are totalled apart, never converted.`;
  return (
    <div
      className={`acct acct-total ${total.unverified ? 'unverified' : ''}`}
      role="group"
      aria-label={`Total ${total.currency}`}
      data-total-currency={total.currency}
      title={title}
    >
      <span className="acct-name">{labelled ? `Total ${total.currency}` : 'Total'}</span>
      <span className="kv">
        <span className="k">Equity</span>
        <span className="v num" data-figure="equity">
          {formatAmount(total.equity, total.currency)}
        </span>
      </span>
      <span className="kv" title="Sum of the accounts' day P&L, each net of fees and commissions.">
        <span className="k">Day P&amp;L</span>
        <span className={`v num ${signClass(total.dayPnl)}`} data-figure="day-pnl">
          {formatPnl(total.dayPnl, total.currency)}
        </span>
      </span>
    </div>
  );
}

/**
 * Marks which edges of a sideways-scrolling strip hide accounts (`data-more="start end"`), so the
 * CSS fades that edge instead of cutting an account off mid-figure. Set on the DOM node: a resize
 * or a scroll does not re-render the bar.
 */
function useOverflowEdges(ref: RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const update = () => {
      const more = [
        el.scrollLeft > 1 ? 'start' : '',
        el.scrollLeft + el.clientWidth < el.scrollWidth - 1 ? 'end' : '',
      ]
        .filter(Boolean)
        .join(' ');
      if (more === '') el.removeAttribute('data-more');
      else el.setAttribute('data-more', more);
    };
    const resize = new ResizeObserver(update);
    resize.observe(el);
    const content = new MutationObserver(update);
    content.observe(el, { childList: true, subtree: true, characterData: true });
    el.addEventListener('scroll', update, { passive: true });
    update();
    return () => {
      resize.disconnect();
      content.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, [ref]);
}

/**
 * "3 accounts ▾": every account with its full figures in a drop-down, for a bar too narrow to show
 * them side by side (at 1280 px the strip is hidden and this is how accounts are read).
 */
function AccountsMenu({ count, children }: { count: number; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!(e.target instanceof Node && root.current?.contains(e.target))) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);
  return (
    <div
      className="acct-menu-wrap"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button
        type="button"
        className="acct-menu-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        title="Every account with its equity and day P&L"
      >
        {count} accounts ▾
      </button>
      {open ? (
        <div className="acct-menu" id={id} role="region" aria-label="Accounts">
          {children}
        </div>
      ) : null}
    </div>
  );
}

export function TopBar() {
  const strip = useRef<HTMLDivElement>(null);
  useOverflowEdges(strip);
  const accounts = useStore((s) => s.accounts);
  const positions = useStore((s) => s.positions);
  const sync = useStore((s) => s.sync);
  const link = useLink();
  const now = useNow();
  const { listing } = useConnectionSettings();
  // Enabled connections count before their accounts arrive: a live gateway is LIVE while connecting.
  // Accounts of a disabled or removed connection linger (stopped) and must not keep the band red.
  const enabled = listing?.connections.filter((c) => c.enabled);
  const enabledIds = enabled === undefined ? null : new Set(enabled.map((c) => c.id));
  const mode = riskiestMode([
    ...[...accounts.values()].filter((a) => enabledIds === null || enabledIds.has(a.connectionId)),
    ...(enabled ?? []),
  ]);
  useModeTitle(mode);

  // An account's P&L is only as fresh as the oldest mark among its open positions.
  const marksByAccount = useMemo(() => {
    const order: Freshness[] = ['fresh', 'aging', 'stale'];
    const m = new Map<string, Freshness>();
    for (const p of positions.values()) {
      if (p.qty === 0) continue;
      const k = `${p.connectionId}:${p.accountId}`;
      const f = freshness(p.markedAt, now);
      if (order.indexOf(f) > order.indexOf(m.get(k) ?? 'fresh')) m.set(k, f);
    }
    return m;
  }, [positions, now]);

  const totals = useMemo(() => (accounts.size < 2 ? [] : totalsByCurrency(accounts.values())), [accounts]);

  const summaries = [...accounts.values()].map((a) => (
    <AccountSummary
      key={`${a.connectionId}:${a.accountId}`}
      account={a}
      band={mode}
      marks={marksByAccount.get(`${a.connectionId}:${a.accountId}`) ?? 'fresh'}
    />
  ));

  return (
    <header className={`topbar band-${mode}`}>
      <div className="brand">Peregrine</div>
      <div className={`band mode-${mode}`} data-testid="mode-band" data-mode={mode}>
        {mode.toUpperCase()}
      </div>
      {totals.length > 0 ? (
        <div className="acct-totals">
          {totals.map((t) => (
            <AccountsTotal key={t.currency} total={t} labelled={totals.length > 1} />
          ))}
          <AccountsMenu count={accounts.size}>{summaries}</AccountsMenu>
        </div>
      ) : null}
      {/* Several accounts go compact (figures only) and scroll sideways; the totals stay in view. */}
      <div ref={strip} className={`accounts ${accounts.size > 1 ? 'compact' : ''}`}>
        {accounts.size === 0 ? <span className="dim">No accounts</span> : null}
        {summaries}
      </div>
      <div className="spacer" />
      {link.kind === 'reconnecting' ? (
        <div className="host-link bad" role="status">
          Host disconnected · retry in {Math.max(0, Math.ceil((link.retryAt - now) / 1000))}s · data frozen
        </div>
      ) : link.kind === 'connecting' ? (
        <div className="host-link warn" role="status">
          Connecting to host…
        </div>
      ) : sync !== 'live' ? (
        <div className="host-link warn" role="status">
          {sync === 'waiting' ? 'Loading…' : 'Resyncing…'}
        </div>
      ) : null}
      <RiskBadge />
      <ConnectionPills />
    </header>
  );
}
