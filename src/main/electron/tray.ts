/**
 * The tray icon keeps the trader's P&L in view while the window is hidden: tooltip (and the
 * macOS menu-bar title) refreshed at most once a second from the engine, UNVERIFIED when the
 * ledger has not reconciled, and a menu to show the window or quit.
 */
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { Engine } from '../core/engine';
import { trayLabel, trayTitle } from './trayLabel';

const REFRESH_MS = 1_000;

export interface TrayActions {
  show(): void;
  quit(): void;
}

/** More menu items (the updates section), rebuilt into the menu whenever they change. */
export interface TrayMenuSection {
  menuItems(): MenuItemConstructorOptions[];
  onChange(listener: () => void): () => void;
}

export function createTray(
  engine: Engine,
  resourcesDir: string,
  actions: TrayActions,
  section?: TrayMenuSection,
): () => void {
  // Linux trays scale a 16 px icon badly; macOS and Windows expect 16 px (with @2x from 32).
  const size = process.platform === 'linux' ? 32 : 16;
  const icon = nativeImage.createFromPath(join(resourcesDir, `icon-${size}.png`));
  if (process.platform === 'darwin')
    icon.addRepresentation({
      scaleFactor: 2,
      buffer: nativeImage.createFromPath(join(resourcesDir, 'icon-32.png')).toPNG(),
    });
  const tray = new Tray(icon);
  const buildMenu = (): void =>
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show Peregrine', click: () => actions.show() },
        { type: 'separator' },
        ...(section === undefined ? [] : [...section.menuItems(), { type: 'separator' as const }]),
        { label: 'Quit', click: () => actions.quit() },
      ]),
    );
  buildMenu();
  const stopSection = section?.onChange(buildMenu);
  tray.on('click', () => actions.show());

  let shown = '';
  const refresh = (): void => {
    const pnl = engine.pnlSummary();
    const label = trayLabel(pnl);
    if (label === shown) return;
    shown = label;
    tray.setToolTip(label);
    if (process.platform === 'darwin') tray.setTitle(trayTitle(pnl));
  };
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);

  return () => {
    clearInterval(timer);
    stopSection?.();
    tray.destroy();
  };
}
