/**
 * The tray icon keeps the trader's P&L and the worst alert state in view while the window is
 * hidden: a green / amber / red icon, a tooltip with total and day P&L, open alerts and a trading
 * lock (and the macOS menu-bar title), refreshed once a second and at once when an alert is
 * raised. Its menu: show the window, pause alerts for 15 min / 1 h (or resume), the kill switch
 * (after a native confirmation), the updates section when one is given, quit. What to show is
 * decided in `alertView.ts`.
 */
import { join } from 'node:path';
import { Menu, Tray, dialog, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Result } from '../../shared/contract';
import type { Engine } from '../core/engine';
import type { Logger } from '../core/log';
import { type TrayAction, type TrayLevel, trayMenu, trayState } from './alertView';

const REFRESH_MS = 1_000;

export interface TrayActions {
  show(): void;
  quit(): void;
}

/** More menu items (the updates section), put in before Quit and rebuilt whenever they change. */
export interface TrayMenuSection {
  menuItems(): MenuItemConstructorOptions[];
  onChange(listener: () => void): () => void;
}

function iconFor(resourcesDir: string, name: string): Electron.NativeImage {
  // Linux trays scale a 16 px icon badly; macOS and Windows expect 16 px (with @2x from 32).
  const size = process.platform === 'linux' ? 32 : 16;
  const icon = nativeImage.createFromPath(join(resourcesDir, `${name}-${size}.png`));
  if (process.platform === 'darwin')
    icon.addRepresentation({
      scaleFactor: 2,
      buffer: nativeImage.createFromPath(join(resourcesDir, `${name}-32.png`)).toPNG(),
    });
  return icon;
}

export function createTray(
  engine: Engine,
  resourcesDir: string,
  actions: TrayActions,
  logger?: Logger,
  section?: TrayMenuSection,
): () => void {
  const icons = new Map<TrayLevel, Electron.NativeImage>();
  const icon = (level: TrayLevel): Electron.NativeImage => {
    let i = icons.get(level);
    if (i === undefined) {
      i = iconFor(resourcesDir, `tray-${level}`);
      icons.set(level, i);
    }
    return i;
  };
  const tray = new Tray(icon('ok'));
  tray.on('click', () => actions.show());

  const run = (action: TrayAction): void => {
    const done = (what: string) => (r: unknown) => {
      const res = r as Result<unknown>;
      if (!res.ok) logger?.warn({ action: what, error: res.error.message }, 'tray action refused');
      refresh();
    };
    switch (action) {
      case 'show':
        return actions.show();
      case 'quit':
        return actions.quit();
      case 'pause15':
      case 'pause60':
      case 'resume':
        void engine
          .dispatch('term:alerts.pause', {
            minutes: action === 'pause15' ? 15 : action === 'pause60' ? 60 : 0,
          })
          .then(done(action));
        return;
      case 'kill':
        void dialog
          .showMessageBox({
            type: 'warning',
            title: 'Kill switch',
            message: 'Cancel every working order, flatten every position and lock trading?',
            detail:
              'Trading stays locked until the next session (00:00 UTC) or an explicit unlock in the Risk tab.',
            buttons: ['Keep', 'Cancel all and flatten'],
            defaultId: 0,
            cancelId: 0,
          })
          .then(({ response }) => {
            if (response !== 1) return;
            return engine
              .dispatch('term:risk.killSwitch', { flatten: true, reason: 'kill switch fired from the tray' })
              .then(done('kill'));
          });
        return;
    }
  };

  let shown = '';
  let menuKey = '';
  let sectionVersion = 0;
  const refresh = (): void => {
    const now = Date.now();
    const risk = engine.risk.status();
    const state = trayState({ pnl: engine.pnlSummary(), alerts: engine.ledger.alerts(), risk, now });
    const key = `${state.level}|${state.tooltip}|${state.title}`;
    if (key !== shown) {
      shown = key;
      tray.setImage(icon(state.level));
      tray.setToolTip(state.tooltip);
      if (process.platform === 'darwin') tray.setTitle(state.title);
    }
    const items = trayMenu({ pausedUntil: risk.pausedUntil, locked: risk.locked, now });
    const nextMenuKey = `${sectionVersion}|${JSON.stringify(items)}`;
    if (nextMenuKey === menuKey) return;
    menuKey = nextMenuKey;
    const template = items.map((m): MenuItemConstructorOptions =>
      m.kind === 'separator'
        ? { type: 'separator' }
        : { label: m.label, enabled: m.enabled, click: () => run(m.action) },
    );
    if (section !== undefined) {
      const quit = template.length - 1;
      template.splice(quit, 0, ...section.menuItems(), { type: 'separator' });
    }
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  // A new alert turns the icon at once, not at the next second.
  const unsubscribe = engine.ledger.events.on('alert', () => refresh());
  const stopSection = section?.onChange(() => {
    sectionVersion++;
    refresh();
  });

  return () => {
    clearInterval(timer);
    unsubscribe();
    stopSection?.();
    tray.destroy();
  };
}
