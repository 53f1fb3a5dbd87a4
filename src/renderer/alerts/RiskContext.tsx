/**
 * The risk status and the alert rules, shared by the top bar, the ticket and the Alerts and Risk
 * panels. The status is read once a second from the engine (where the limits are enforced; the
 * page only shows them) and again after every action; the lock itself also arrives on the stream
 * as the `risk:lock` alert, so a locked terminal reads as locked even between reads.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AlertsConfigInput, RiskStatus } from '../../shared/alerts';
import type { AlertsConfigView } from '../../shared/contract';
import { useLink, useNow, useStore, useTerminal } from '../state/context';

export const LOCK_ALERT_ID = 'risk:lock';

interface RiskContextValue {
  status: RiskStatus | null;
  /** True as soon as the stream says so, before the next status read. */
  locked: boolean;
  config: AlertsConfigView | null;
  configError: string | null;
  refresh(): void;
  /** Saves rules and limits as a whole; resolves with the engine's refusal in words, or null. */
  saveConfig(config: AlertsConfigInput): Promise<string | null>;
}

const RiskContext = createContext<RiskContextValue | null>(null);

export function useRisk(): RiskContextValue {
  const v = useContext(RiskContext);
  if (!v) throw new Error('useRisk outside RiskProvider');
  return v;
}

export function RiskProvider({ children }: { children: ReactNode }) {
  const { api } = useTerminal();
  const now = useNow();
  const [status, setStatus] = useState<RiskStatus | null>(null);
  const [config, setConfig] = useState<AlertsConfigView | null>(null);
  const [configError, setConfigError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const lockAlert = useStore((s) => s.alerts.find((a) => a.id === LOCK_ALERT_ID));
  // Read again whenever the host link (re)opens: a request made before it was refused unsent.
  const linkOpen = useLink().kind === 'open';

  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!linkOpen) return;
    let live = true;
    api.risk.status({}).then(
      (r) => {
        if (live && r.ok) setStatus(r.value);
      },
      () => undefined, // host link down: the link banner says so
    );
    return () => {
      live = false;
    };
  }, [api, now, tick, lockAlert, linkOpen]);

  useEffect(() => {
    if (!linkOpen) return;
    let live = true;
    api.alerts.config({}).then(
      (r) => {
        if (!live) return;
        if (r.ok) {
          setConfig(r.value);
          setConfigError(null);
        } else setConfigError(r.error.message);
      },
      (e: unknown) => live && setConfigError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, linkOpen]);

  const saveConfig = useCallback(
    async (next: AlertsConfigInput) => {
      const r = await api.alerts.saveConfig(next);
      if (!r.ok) return r.error.message;
      setConfig(r.value);
      refresh();
      return null;
    },
    [api, refresh],
  );

  const value = useMemo(
    () => ({
      status,
      locked: lockAlert?.active === true || status?.locked === true,
      config,
      configError,
      refresh,
      saveConfig,
    }),
    [status, lockAlert, config, configError, refresh, saveConfig],
  );
  return <RiskContext.Provider value={value}>{children}</RiskContext.Provider>;
}
