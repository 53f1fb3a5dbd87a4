/**
 * The Risk tab: limits (enforced by the engine in front of its order desk), the kill switch and
 * its steps as they happen, the confirmed unlock, and — always on screen — what the terminal
 * cannot guarantee.
 */
import { useEffect, useId, useState } from 'react';
import { UNLOCK_PHRASE, type RiskLimits } from '../../shared/alerts';
import { formatMoney } from '../../shared/money';
import { useTerminal } from '../state/context';
import { useUi } from '../layout/dialogs';
import { useRisk } from './RiskContext';

type NumberLimit = Exclude<keyof RiskLimits, 'confirmQtyAboveBySymbol' | 'flattenOnBreach'>;

const FIELDS: { key: NumberLimit; label: string; help: string }[] = [
  {
    key: 'dailyLoss',
    label: 'Daily loss limit (all accounts)',
    help: 'Day P&L at or below minus this fires the kill switch.',
  },
  {
    key: 'accountDailyLoss',
    label: 'Daily loss limit (per account)',
    help: 'The same, for any one account.',
  },
  {
    key: 'maxPosition',
    label: 'Max position per symbol',
    help: 'Absolute quantity, counting working orders on the same side.',
  },
  { key: 'maxOrderQty', label: 'Max order quantity', help: 'Larger orders are refused.' },
  {
    key: 'maxOrderNotional',
    label: 'Max order value',
    help: 'Quantity × price × multiplier, in the instrument currency.',
  },
  {
    key: 'confirmQtyAbove',
    label: 'Confirm orders above',
    help: 'Larger orders ask for a confirmation first.',
  },
  { key: 'maxOpenOrders', label: 'Max open orders', help: 'Across every account.' },
];

function time(ts: number): string {
  return new Date(ts).toLocaleString('en-GB', { hour12: false });
}

export function RiskPanel() {
  return (
    <div className="risk-tab">
      <LimitsEditor />
      <KillSwitchPanel />
    </div>
  );
}

function LimitsEditor() {
  const { config, saveConfig } = useRisk();
  const f = useId();
  const [text, setText] = useState<Record<NumberLimit, string> | null>(null);
  const [flatten, setFlatten] = useState(true);
  // `field`: the limit the error is about, marked and described beside its input.
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string; field?: NumberLimit } | null>(
    null,
  );
  const limits = config?.config.limits;
  // The form follows the saved limits whenever they change (adjusted during render, no effect).
  const [shownFor, setShownFor] = useState<RiskLimits | undefined>(undefined);
  if (limits !== shownFor) {
    setShownFor(limits);
    if (limits !== undefined) {
      setText(
        Object.fromEntries(
          FIELDS.map(({ key }) => [key, limits[key] === null ? '' : String(limits[key])]),
        ) as Record<NumberLimit, string>,
      );
      setFlatten(limits.flattenOnBreach);
    }
  }
  if (config === null || text === null || limits === undefined) return <section className="risk-col" />;

  const save = async () => {
    const next: Record<string, number | null> = {};
    for (const { key, label } of FIELDS) {
      const raw = text[key].replace(/[,$\s]/g, '');
      if (raw === '') next[key] = null;
      else {
        const n = Number(raw);
        if (!Number.isFinite(n) || n <= 0)
          return setMessage({
            kind: 'error',
            text: `${label}: a positive number, or empty for no limit.`,
            field: key,
          });
        next[key] = n;
      }
    }
    const refused = await saveConfig({
      ...config.config,
      limits: { ...limits, ...next, flattenOnBreach: flatten },
    });
    setMessage(
      refused === null
        ? { kind: 'ok', text: 'Limits saved and enforced.' }
        : { kind: 'error', text: refused },
    );
  };

  return (
    <section className="risk-col" aria-label="Risk limits">
      <h3>Limits</h3>
      <form
        className="limits-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {FIELDS.map(({ key, label, help }) => (
          <div key={key} className="limit-row">
            <label htmlFor={`${f}-${key}`} title={help}>
              {label}
            </label>
            <input
              id={`${f}-${key}`}
              inputMode="decimal"
              placeholder="no limit"
              value={text[key]}
              aria-invalid={message?.field === key}
              aria-describedby={message?.field === key ? `${f}-message` : undefined}
              onChange={(e) => setText({ ...text, [key]: e.target.value })}
            />
          </div>
        ))}
        <label className="limit-check">
          <input type="checkbox" checked={flatten} onChange={(e) => setFlatten(e.target.checked)} /> On a
          daily-loss breach, also flatten every position
        </label>
        <button type="submit">Save limits</button>
      </form>
      {message ? (
        <div
          id={`${f}-message`}
          className={message.kind === 'error' ? 'field-error' : 'dim'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </div>
      ) : null}
    </section>
  );
}

function KillSwitchPanel() {
  const { status, refresh } = useRisk();
  const { api } = useTerminal();
  const [phrase, setPhrase] = useState('');
  const [error, setError] = useState<string | null>(null);
  const f = useId();
  if (status === null) return <section className="risk-col" />;
  const unlock = async () => {
    if (phrase !== UNLOCK_PHRASE) return setError(`Type ${UNLOCK_PHRASE} to unlock trading.`);
    const r = await api.risk.unlock({ confirm: UNLOCK_PHRASE });
    setError(r.ok ? null : r.error.message);
    setPhrase('');
    refresh();
  };
  return (
    <section className="risk-col" aria-label="Kill switch">
      <h3>Kill switch</h3>
      <div
        className={`risk-state level-${status.level}`}
        data-testid="risk-state"
        data-locked={status.locked}
      >
        {status.locked ? (
          <>
            <strong>Trading locked</strong> — {status.reason}
            {status.lockedUntil !== null ? (
              <> · until {time(status.lockedUntil)} or an explicit unlock</>
            ) : null}
          </>
        ) : (
          <>
            <strong>Trading open</strong> · day P&amp;L {formatMoney(status.dayPnl, status.currency)}
            {status.dailyLoss !== null ? (
              <> of a −{formatMoney(status.dailyLoss, status.currency).replace(/^\+/, '')} limit</>
            ) : null}
          </>
        )}
      </div>
      {status.killSwitch.steps.length > 0 ? (
        <ol className="kill-steps" aria-label="Kill switch steps">
          {status.killSwitch.steps.map((s) => (
            <li key={s.step} className={`kill-step ${s.state}`} data-step={s.step} data-state={s.state}>
              <span className="kill-step-name">{s.step}</span> <span className="tag">{s.state}</span>{' '}
              {s.detail}
            </li>
          ))}
        </ol>
      ) : null}
      <div className="kill-actions">
        <KillSwitchButton label="Fire kill switch" />
        {status.locked ? (
          <>
            <label htmlFor={`${f}-unlock`}>Type {UNLOCK_PHRASE}</label>
            <input
              id={`${f}-unlock`}
              value={phrase}
              onChange={(e) => setPhrase(e.target.value)}
              autoComplete="off"
            />
            <button type="button" onClick={() => void unlock()}>
              Unlock trading
            </button>
          </>
        ) : null}
      </div>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      <h4>What this cannot guarantee</h4>
      <ul className="caveats">
        {status.caveats.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <p className="dim">The kill switch is also in the top bar, the tray menu, and on Ctrl+Shift+K.</p>
    </section>
  );
}

/** Asks first (an in-page dialog), then cancels every working order, flattens and locks. */
export function KillSwitchButton({ label, hotkey = false }: { label: string; hotkey?: boolean }) {
  const { api } = useTerminal();
  const { refresh } = useRisk();
  const ui = useUi();
  const fire = async () => {
    const yes = await ui.confirm(
      'Fire the kill switch?',
      'Every working order on every connection is cancelled, every position is closed at market, and new orders are blocked until the next session or an explicit unlock.',
      'Cancel all and flatten',
    );
    if (!yes) return;
    const r = await api.risk.killSwitch({ flatten: true });
    if (!r.ok) ui.notify('error', r.error.message);
    refresh();
  };
  useEffect(() => {
    if (!hotkey) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && e.key.toUpperCase() === 'K') {
        e.preventDefault();
        void fire();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  return (
    <button type="button" className="danger kill-switch" onClick={() => void fire()} title="Ctrl+Shift+K">
      {label}
    </button>
  );
}
