/**
 * What the desktop shows for the engine's alerts and risk state — the tray's colour, tooltip and
 * menu, and whether and how an alert becomes a native notification — as pure functions, so they
 * are tested without the Electron binary (which cannot be downloaded here). `tray.ts` and
 * `notifications.ts` only hand the answers to Electron.
 */
import type { RiskStatus } from '../../shared/alerts';
import type { Alert } from '../../shared/stream';
import { type PnlSummary, trayLabel, trayTitle } from './trayLabel';

export type TrayLevel = 'ok' | 'warning' | 'alarm';

export interface TrayInput {
  pnl: PnlSummary;
  /** Alerts as the ledger holds them (active or unacknowledged). */
  alerts: readonly Alert[];
  risk: Pick<RiskStatus, 'level' | 'locked' | 'reason' | 'pausedUntil'>;
  now: number;
}

export interface TrayState {
  level: TrayLevel;
  /** Resource name of the icon for the level (`tray-<level>-<size>.png`). */
  icon: `tray-${TrayLevel}`;
  tooltip: string;
  /** macOS menu-bar text. */
  title: string;
}

const RANK: Record<TrayLevel, number> = { ok: 0, warning: 1, alarm: 2 };
const worse = (a: TrayLevel, b: TrayLevel): TrayLevel => (RANK[b] > RANK[a] ? b : a);

function alertLevel(a: Alert): TrayLevel {
  return a.level === 'critical' ? 'alarm' : a.level === 'warning' ? 'warning' : 'ok';
}

function clock(ts: number): string {
  return new Date(ts).toISOString().slice(11, 16);
}

/**
 * The worst state on the desktop: the risk guard's (locked → alarm, near the daily loss limit →
 * warning), an unacknowledged or still-active warning / critical alert, and an unverified account.
 */
export function trayState(i: TrayInput): TrayState {
  let level: TrayLevel = i.risk.level;
  let open = 0;
  for (const a of i.alerts) {
    if (a.acknowledged && !a.active) continue;
    if (!a.acknowledged) open++;
    // An acknowledged alert whose condition still holds keeps its colour: the trader saw it,
    // it is still true.
    level = worse(level, alertLevel(a));
  }
  if (i.pnl.unverified) level = worse(level, 'warning');
  const parts = [trayLabel(i.pnl)];
  if (i.risk.locked) parts.push(`TRADING LOCKED${i.risk.reason === null ? '' : ` (${i.risk.reason})`}`);
  if (open > 0) parts.push(`${open} alert${open === 1 ? '' : 's'}`);
  if (i.risk.pausedUntil !== null && i.risk.pausedUntil > i.now)
    parts.push(`alerts paused until ${clock(i.risk.pausedUntil)} UTC`);
  const title = trayTitle(i.pnl);
  return {
    level,
    icon: `tray-${level}`,
    tooltip: parts.join(' — '),
    title: i.risk.locked ? `${title} LOCKED` : title,
  };
}

export interface NotificationSpec {
  title: string;
  body: string;
  silent: boolean;
  urgency: 'low' | 'normal' | 'critical';
  /** What a click should show: the symbol's chart or the connection's row. */
  target: { symbol?: string; connectionId?: string };
}

/**
 * The native notification for an alert raised now, or null: an alert already notified (an
 * update of the same id), muted (alerts paused), acknowledged, or arriving while the window has
 * focus (the page's own toast and chime carry it then).
 */
export function notificationFor(
  alert: Alert,
  ctx: { alreadyShown: boolean; windowFocused: boolean },
): NotificationSpec | null {
  if (ctx.alreadyShown || ctx.windowFocused || alert.muted === true || alert.acknowledged) return null;
  return {
    title: alert.title,
    body: alert.message,
    silent: alert.sound !== true,
    urgency: alert.level === 'critical' ? 'critical' : alert.level === 'warning' ? 'normal' : 'low',
    target: {
      ...(alert.symbol === undefined ? {} : { symbol: alert.symbol }),
      ...(alert.connectionId === undefined ? {} : { connectionId: alert.connectionId }),
    },
  };
}

export type TrayAction = 'show' | 'pause15' | 'pause60' | 'resume' | 'kill' | 'quit';

export type TrayMenuItem =
  { kind: 'separator' } | { kind: 'item'; action: TrayAction; label: string; enabled: boolean };

/** The tray menu: show, pause alerts (or resume), the kill switch, quit. */
export function trayMenu(state: {
  pausedUntil: number | null;
  locked: boolean;
  now: number;
}): TrayMenuItem[] {
  const paused = state.pausedUntil !== null && state.pausedUntil > state.now;
  return [
    { kind: 'item', action: 'show', label: 'Show Peregrine', enabled: true },
    { kind: 'separator' },
    ...(paused
      ? [
          {
            kind: 'item' as const,
            action: 'resume' as const,
            label: `Resume alerts (paused until ${clock(state.pausedUntil ?? 0)} UTC)`,
            enabled: true,
          },
        ]
      : [
          {
            kind: 'item' as const,
            action: 'pause15' as const,
            label: 'Pause alerts for 15 min',
            enabled: true,
          },
          {
            kind: 'item' as const,
            action: 'pause60' as const,
            label: 'Pause alerts for 1 hour',
            enabled: true,
          },
        ]),
    { kind: 'separator' },
    {
      kind: 'item',
      action: 'kill',
      label: state.locked ? 'Kill switch (trading locked)' : 'Kill switch: cancel all and flatten…',
      enabled: true,
    },
    { kind: 'separator' },
    { kind: 'item', action: 'quit', label: 'Quit', enabled: true },
  ];
}
