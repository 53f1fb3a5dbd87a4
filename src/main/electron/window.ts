/**
 * The main window: sandboxed, context-isolated, no Node, web security on, our preload only,
 * loading `app://peregrine/`. Its bounds are remembered; closing it hides it to the tray
 * unless the app is quitting.
 */
import { BrowserWindow } from 'electron';
import { APP_URL } from './appOrigin';
import { secureWebPreferences } from './webPreferences';
import { WindowStateStore } from './windowState';

const SAVE_DEBOUNCE_MS = 500;

export interface MainWindowOptions {
  /** "PAPER — Peregrine" / "LIVE — Peregrine": the mode is in the title before the page loads. */
  title: string;
  preloadPath: string;
  iconPath: string;
  /** True once the user chose Quit: then close really closes. */
  isQuitting(): boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const stateStore = new WindowStateStore();
  const state = stateStore.load();
  const window = new BrowserWindow({
    ...(state.bounds ?? { width: 1600, height: 960 }),
    minWidth: 900,
    minHeight: 600,
    title: options.title,
    icon: options.iconPath,
    show: false,
    backgroundColor: '#0b0e13',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  let saveTimer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (window.isDestroyed()) return;
    stateStore.save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
  };
  const saveSoon = (): void => {
    if (saveTimer !== null) clearTimeout(saveTimer);
    saveTimer = setTimeout(save, SAVE_DEBOUNCE_MS);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('close', (event) => {
    save();
    if (options.isQuitting()) return;
    // The tray keeps showing P&L and alerts; the engine keeps running.
    event.preventDefault();
    window.hide();
  });

  void window.loadURL(APP_URL);
  return window;
}
