/**
 * Engine alerts (evaluated in main, never here) arrive on the stream and show as toasts, with the
 * chime when the rule asks for sound. In the web host, where there is no tray, the browser's
 * Notification API carries them too once the trader allows it (the Electron host notifies from
 * main instead). Muted alerts (raised while paused) and ones already seen are not toasted again.
 */
import { useEffect, useState } from 'react';
import type { Alert } from '../../shared/stream';
import { useStore, useTerminal } from '../state/context';
import { playAlertSound } from './sound';

/** How long a toast stays; critical ones stay until dismissed or acknowledged. */
const TOAST_MS: Record<Alert['level'], number | null> = { info: 6_000, warning: 10_000, critical: null };

export function AlertToasts() {
  const { api, store } = useTerminal();
  const alerts = useStore((s) => s.alerts);
  const [toasts, setToasts] = useState<Alert[]>([]);

  // Follows the store directly: each alert id is toasted once, when it first arrives.
  useEffect(() => {
    const seen = new Set<string>();
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const check = (): void => {
      const fresh: Alert[] = [];
      for (const a of store.getState().alerts) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        if (a.muted === true || a.acknowledged) continue;
        fresh.push(a);
      }
      if (fresh.length === 0) return;
      setToasts((t) => [...t, ...fresh].slice(-4));
      if (fresh.some((a) => a.sound === true))
        playAlertSound(fresh.some((a) => a.level === 'critical') ? 'critical' : (fresh[0]?.level ?? 'info'));
      if (
        api.host.kind === 'web' &&
        typeof Notification !== 'undefined' &&
        Notification.permission === 'granted'
      )
        for (const a of fresh) new Notification(a.title, { body: a.message, tag: a.id });
      for (const a of fresh) {
        const ms = TOAST_MS[a.level];
        if (ms === null) continue;
        const timer = setTimeout(() => {
          timers.delete(timer);
          setToasts((t) => t.filter((x) => x.id !== a.id));
        }, ms);
        timers.add(timer);
      }
    };
    queueMicrotask(check);
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      timers.forEach(clearTimeout);
    };
  }, [api, store]);

  // A toast of an alert acknowledged elsewhere (the panel, another window) goes away.
  const acknowledged = new Set(alerts.filter((a) => a.acknowledged).map((a) => a.id));
  const shown = toasts.filter((t) => !acknowledged.has(t.id));
  if (shown.length === 0) return null;
  return (
    <div className="alert-toasts" role="region" aria-label="Alert notifications">
      {shown.map((a) => (
        <div
          key={a.id}
          className={`alert-toast notice ${a.level}`}
          role="status"
          data-testid="alert-toast"
          data-rule={a.ruleId ?? ''}
        >
          <div className="alert-toast-title">{a.title}</div>
          <div className="alert-toast-body">{a.message}</div>
          <div className="alert-toast-actions">
            <button type="button" onClick={() => void api.alerts.acknowledge({ id: a.id })}>
              Acknowledge
            </button>
            <button
              type="button"
              aria-label="Dismiss"
              onClick={() => setToasts((t) => t.filter((x) => x.id !== a.id))}
            >
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
