/**
 * Native notifications for engine alerts while the window is hidden or unfocused (with focus, the
 * page's toast and chime carry them). Clicking one brings the window forward. Which alert becomes
 * which notification is decided in `alertView.ts`, tested without Electron.
 */
import { Notification } from 'electron';
import type { Engine } from '../core/engine';
import type { Logger } from '../core/log';
import { notificationFor, type NotificationSpec } from './alertView';

/** Notified alert ids remembered (an update of the same alert is not a new notification). */
const REMEMBERED = 1_000;

export function notifyAlerts(
  engine: Engine,
  options: {
    windowFocused(): boolean;
    /** Show the window on what the alert is about. */
    show(target: NotificationSpec['target']): void;
    logger?: Logger;
  },
): () => void {
  if (!Notification.isSupported()) {
    options.logger?.warn(
      {},
      'native notifications are not supported here; alerts show in the window and tray',
    );
    return () => undefined;
  }
  const shown = new Set<string>();
  // Kept so a notification is not garbage-collected (and its click lost) before the trader sees it.
  const live = new Set<Notification>();
  return engine.ledger.events.on('alert', ({ alert }) => {
    const spec = notificationFor(alert, {
      alreadyShown: shown.has(alert.id),
      windowFocused: options.windowFocused(),
    });
    shown.add(alert.id);
    if (shown.size > REMEMBERED) shown.delete(shown.values().next().value ?? '');
    if (spec === null) return;
    const n = new Notification({
      title: spec.title,
      body: spec.body,
      silent: spec.silent,
      urgency: spec.urgency,
    });
    live.add(n);
    n.on('click', () => options.show(spec.target));
    n.on('close', () => live.delete(n));
    n.show();
  });
}
