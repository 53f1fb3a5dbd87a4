/**
 * The Alerts tab: alerts still open (acknowledge), the rules editor, and today's history from the
 * engine's journal. Rules are evaluated in the engine; this page only edits and shows them. A
 * rule is saved with the whole set, validated by the engine, and refused with its reason.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { AlertFiring, AlertRule, AlertRuleInput, AlertRuleKind } from '../../shared/alerts';
import { useStore, useTerminal } from '../state/context';
import { useRisk } from './RiskContext';
import { ruleText } from './ruleText';

const KINDS: { value: AlertRuleKind; label: string }[] = [
  { value: 'pnl', label: 'P&L threshold' },
  { value: 'drawdown', label: 'Drawdown from peak' },
  { value: 'price', label: 'Price crossing' },
  { value: 'connection', label: 'Connection lost / recovered' },
  { value: 'stale', label: 'Stale feed' },
  { value: 'unverified', label: 'Account unverified' },
  { value: 'fill', label: 'Fill' },
  { value: 'rejected', label: 'Order rejected' },
  { value: 'protection', label: 'Protection failed / fell back' },
  { value: 'signal', label: 'Signal received' },
];

function time(ts: number): string {
  return new Date(ts).toLocaleTimeString('en-GB', { hour12: false });
}

export function AlertsPanel() {
  return (
    <div className="alerts-tab">
      <OpenAlerts />
      <RulesEditor />
      <History />
    </div>
  );
}

function OpenAlerts() {
  const { api } = useTerminal();
  const alerts = useStore((s) => s.alerts);
  const open = useMemo(() => alerts.filter((a) => a.active || !a.acknowledged).reverse(), [alerts]);
  return (
    <section className="alerts-col" aria-label="Open alerts">
      <h3>Open alerts</h3>
      {open.length === 0 ? <p className="dim">Nothing to look at.</p> : null}
      <ul className="alert-list">
        {open.map((a) => (
          <li key={a.id} className={`alert-item ${a.level} ${a.active ? 'active' : ''}`} data-alert-id={a.id}>
            <div className="alert-item-head">
              <span className={`alert-level ${a.level}`}>{a.level}</span>
              <span className="alert-item-title">{a.title}</span>
              <span className="dim num">{time(a.ts)}</span>
            </div>
            <div className="alert-item-body">{a.message}</div>
            <div className="alert-item-foot">
              {a.active ? <span className="tag">still holds</span> : null}
              {a.muted === true ? <span className="tag">muted</span> : null}
              {a.acknowledged ? (
                <span className="dim">acknowledged</span>
              ) : (
                <button type="button" onClick={() => void api.alerts.acknowledge({ id: a.id })}>
                  Acknowledge
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface Draft {
  kind: AlertRuleKind;
  scope: 'total' | 'account' | 'position';
  symbol: string;
  direction: 'above' | 'below';
  value: string;
  hysteresis: string;
  seconds: string;
}

const emptyDraft: Draft = {
  kind: 'pnl',
  scope: 'total',
  symbol: '',
  direction: 'below',
  value: '',
  hysteresis: '0',
  seconds: '30',
};

/** The draft as a rule, or why it is not one yet (checked again, fully, by the engine). */
function draftRule(d: Draft, id: string): { rule: AlertRuleInput } | { error: string } {
  const num = (text: string, what: string): number | string => {
    const n = Number(text.replace(/[,$\s]/g, '').replace('−', '-'));
    return text.trim() === '' || !Number.isFinite(n) ? `${what} must be a number` : n;
  };
  const hysteresis = num(d.hysteresis || '0', 'Re-arm band');
  if (typeof hysteresis === 'string') return { error: hysteresis };
  switch (d.kind) {
    case 'pnl': {
      const threshold = num(d.value, 'Threshold');
      if (typeof threshold === 'string') return { error: threshold };
      if (d.scope === 'position' && d.symbol.trim() === '')
        return { error: 'Name the symbol of the position' };
      return {
        rule: {
          id,
          kind: 'pnl',
          scope: d.scope,
          direction: d.direction,
          threshold,
          hysteresis,
          ...(d.scope === 'position' ? { symbol: d.symbol.trim() } : {}),
        },
      };
    }
    case 'drawdown': {
      const amount = num(d.value, 'Amount');
      if (typeof amount === 'string') return { error: amount };
      return { rule: { id, kind: 'drawdown', amount, hysteresis } };
    }
    case 'price': {
      const level = num(d.value, 'Level');
      if (typeof level === 'string') return { error: level };
      if (d.symbol.trim() === '') return { error: 'Name the symbol' };
      return {
        rule: { id, kind: 'price', symbol: d.symbol.trim(), direction: d.direction, level, hysteresis },
      };
    }
    case 'stale':
    case 'unverified': {
      const seconds = num(d.seconds, 'Seconds');
      if (typeof seconds === 'string') return { error: seconds };
      return { rule: { id, kind: d.kind, seconds } };
    }
    default:
      return { rule: { id, kind: d.kind } };
  }
}

function RulesEditor() {
  const { config, configError, saveConfig } = useRisk();
  const { api } = useTerminal();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const f = useId();
  const rules = config?.config.rules ?? [];
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async (next: AlertRule[] | AlertRuleInput[]) => {
    if (!config) return false;
    setBusy(true);
    const refused = await saveConfig({ ...config.config, rules: next as AlertRuleInput[] });
    setBusy(false);
    setError(refused);
    return refused === null;
  };

  const add = async () => {
    const made = draftRule(draft, `${draft.kind}-${Date.now().toString(36)}`);
    if ('error' in made) return setError(made.error);
    if (await save([...rules, made.rule] as AlertRuleInput[])) setDraft({ ...emptyDraft, kind: draft.kind });
  };

  const thresholdLabel =
    draft.kind === 'pnl'
      ? 'Threshold'
      : draft.kind === 'drawdown'
        ? 'Amount'
        : draft.kind === 'price'
          ? 'Level'
          : '';
  const paused = useRisk().status?.pausedUntil ?? null;

  return (
    <section className="alerts-col" aria-label="Alert rules">
      <h3>Rules</h3>
      {configError ? <p className="field-error">{configError}</p> : null}
      {config?.source === 'profile' ? (
        <p className="dim">These rules come from the --profile file: changes last until Peregrine quits.</p>
      ) : config?.persistent === false ? (
        <p className="dim">
          The settings file cannot be written this session: changes last until Peregrine quits.
        </p>
      ) : null}
      <ul className="rule-list" aria-label="Rules">
        {rules.map((r) => (
          <li key={r.id} className={r.enabled ? '' : 'dim'} data-rule-id={r.id}>
            <label>
              <input
                type="checkbox"
                checked={r.enabled}
                disabled={busy}
                onChange={(e) =>
                  void save(rules.map((x) => (x.id === r.id ? { ...x, enabled: e.target.checked } : x)))
                }
              />{' '}
              {ruleText(r)}
            </label>
            <button
              type="button"
              className="link"
              aria-label={`Remove rule: ${ruleText(r)}`}
              disabled={busy}
              onClick={() => void save(rules.filter((x) => x.id !== r.id))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        className="rule-form"
        aria-label="New alert rule"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label htmlFor={`${f}-kind`}>Rule</label>
        <select
          id={`${f}-kind`}
          value={draft.kind}
          onChange={(e) => set({ kind: e.target.value as AlertRuleKind })}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        {draft.kind === 'pnl' ? (
          <>
            <label htmlFor={`${f}-scope`}>Scope</label>
            <select
              id={`${f}-scope`}
              value={draft.scope}
              onChange={(e) => set({ scope: e.target.value as Draft['scope'] })}
            >
              <option value="total">All accounts</option>
              <option value="account">Each account</option>
              <option value="position">A position</option>
            </select>
          </>
        ) : null}
        {draft.kind === 'price' || (draft.kind === 'pnl' && draft.scope === 'position') ? (
          <>
            <label htmlFor={`${f}-sym`}>Symbol</label>
            <input id={`${f}-sym`} value={draft.symbol} onChange={(e) => set({ symbol: e.target.value })} />
          </>
        ) : null}
        {draft.kind === 'pnl' || draft.kind === 'price' ? (
          <>
            <label htmlFor={`${f}-dir`}>Direction</label>
            <select
              id={`${f}-dir`}
              value={draft.direction}
              onChange={(e) => set({ direction: e.target.value as Draft['direction'] })}
            >
              <option value="below">Below</option>
              <option value="above">Above</option>
            </select>
          </>
        ) : null}
        {thresholdLabel !== '' ? (
          <>
            <label htmlFor={`${f}-val`}>{thresholdLabel}</label>
            <input
              id={`${f}-val`}
              inputMode="decimal"
              value={draft.value}
              onChange={(e) => set({ value: e.target.value })}
            />
            <label
              htmlFor={`${f}-band`}
              title="How far back past the threshold the value must go before the rule can fire again"
            >
              Re-arm band
            </label>
            <input
              id={`${f}-band`}
              inputMode="decimal"
              value={draft.hysteresis}
              onChange={(e) => set({ hysteresis: e.target.value })}
            />
          </>
        ) : null}
        {draft.kind === 'stale' || draft.kind === 'unverified' ? (
          <>
            <label htmlFor={`${f}-sec`}>Seconds</label>
            <input
              id={`${f}-sec`}
              inputMode="numeric"
              value={draft.seconds}
              onChange={(e) => set({ seconds: e.target.value })}
            />
          </>
        ) : null}
        <button type="submit" disabled={busy || !config}>
          Add rule
        </button>
      </form>
      {error ? (
        <div className="field-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className="alert-prefs">
        <label>
          <input
            type="checkbox"
            checked={config?.config.sound ?? true}
            disabled={busy || !config}
            onChange={(e) => config && void saveConfig({ ...config.config, sound: e.target.checked })}
          />{' '}
          Sound
        </label>
        {paused !== null ? <span className="tag">paused until {time(paused)}</span> : null}
        <button type="button" onClick={() => void api.alerts.pause({ minutes: 15 })}>
          Pause 15 min
        </button>
        <button type="button" onClick={() => void api.alerts.pause({ minutes: 60 })}>
          Pause 1 h
        </button>
        {paused !== null ? (
          <button type="button" onClick={() => void api.alerts.pause({ minutes: 0 })}>
            Resume
          </button>
        ) : null}
        <BrowserNotifications />
      </div>
    </section>
  );
}

/** Web host only: the browser's notifications, once the trader allows them. */
function BrowserNotifications() {
  const { api } = useTerminal();
  const [permission, setPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  if (api.host.kind !== 'web' || permission === 'unsupported') return null;
  if (permission === 'granted') return <span className="dim">Browser notifications on</span>;
  if (permission === 'denied') return <span className="dim">Browser notifications blocked</span>;
  return (
    <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
      Browser notifications
    </button>
  );
}

function History() {
  const { api } = useTerminal();
  const alerts = useStore((s) => s.alerts);
  const [history, setHistory] = useState<AlertFiring[]>([]);
  useEffect(() => {
    let live = true;
    api.alerts.history({}).then(
      (r) => live && r.ok && setHistory(r.value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, alerts]);
  return (
    <section className="alerts-col" aria-label="Alert history">
      <h3>Today</h3>
      <table className="alert-history" aria-label="Alert history">
        <thead>
          <tr>
            <th>Time</th>
            <th>Alert</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {[...history].reverse().map((h, i) => (
            <tr key={`${h.ts}-${i}`} data-rule={h.ruleId} className={h.level}>
              <td className="num">{time(h.ts)}</td>
              <td title={h.message}>
                {h.title}
                {h.muted ? <span className="tag">muted</span> : null}
              </td>
              <td className="num">{h.value === null ? '—' : h.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
