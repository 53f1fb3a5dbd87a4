/**
 * Electron host entry: one instance, one engine, one window, a tray. Everything the engine does
 * happens in src/main/core; this file only wires the desktop pieces together and quits cleanly.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow } from 'electron';
import ElectronStore from 'electron-store';
import { startTerminal, type Terminal } from '../core/terminal';
import { createLogger } from '../core/log';
import { profilePathFromArgv } from '../core/profile';
import { terminalManagedWorking } from '../updates/policy';
import { registerIpc } from './ipc';
import { askQuitGuard } from './quitGuard';
import { installSecurityHooks } from './security';
import { registerAppSchemePrivileges, serveAppScheme } from './scheme';
import { confirmNewOriginDialog } from './confirmOrigin';
import { attachStreamPort } from './streamPort';
import { notifyAlerts } from './notifications';
import { createTray } from './tray';
import { startUpdates } from './updates';
import { createMainWindow } from './window';

/** scripts/start.mjs waits for this line to know the desktop app came up. */
const READY_LINE = 'Peregrine desktop: window ready';

const outDir = fileURLToPath(new URL('..', import.meta.url)); // out/
const rendererDir = join(outDir, 'renderer');
const preloadPath = join(outDir, 'preload', 'index.cjs');
const resourcesDir = join(app.getAppPath(), 'resources');

registerAppSchemePrivileges();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
}

function run(): void {
  const logger = createLogger({
    name: 'electron-host',
    file: join(app.getPath('userData'), 'logs', 'main.log'),
  });
  let profileFile: string | undefined;
  try {
    profileFile = profilePathFromArgv(process.argv);
  } catch (err) {
    console.error(`Peregrine could not start: ${err instanceof Error ? err.message : String(err)}`);
    app.exit(2);
    return;
  }
  let terminal: Terminal | null = null;
  let window: BrowserWindow | null = null;
  let quitting = false;
  let engineStopped = false;
  const cleanups: Array<() => void> = [];

  const show = (): void => {
    if (window === null || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', show);
  // The tray keeps the app alive with no window open.
  app.on('window-all-closed', () => undefined);
  let quitGuarded = false;
  app.on('before-quit', (event) => {
    quitting = true;
    const protection = terminal?.engine.protection;
    const active = protection?.activeTerminal() ?? [];
    if (quitGuarded || active.length === 0) return;
    // Terminal-managed protection stops with the app: ask what to leave at the broker first.
    event.preventDefault();
    void askQuitGuard(active, window).then(async (choice) => {
      if (choice === 'stay') {
        quitting = false;
        return;
      }
      quitGuarded = true;
      const left = (await protection?.onQuit(choice).catch(() => [])) ?? [];
      if (left.length > 0)
        logger.warn({ choice, left }, 'quit: terminal-managed protection left at the broker');
      app.quit();
    });
  });
  app.on('will-quit', (event) => {
    if (engineStopped || terminal === null) return;
    event.preventDefault();
    for (const cleanup of cleanups.splice(0)) cleanup();
    terminal
      .stop()
      .catch((err: unknown) =>
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'engine stop failed'),
      )
      .finally(() => {
        engineStopped = true;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(async () => {
      installSecurityHooks(logger);
      serveAppScheme(rendererDir);
      try {
        terminal = await startTerminal({
          dataDir: app.getPath('userData'),
          logger,
          // electron-store is `conf` with Electron's defaults; the settings module owns migrations.
          createStore: (o) => new ElectronStore<Record<string, unknown>>(o),
          confirmNewOrigin: confirmNewOriginDialog(() => window),
          ...(profileFile === undefined ? {} : { profileFile }),
        });
      } catch (err) {
        // A bad profile or a missing secret stops start-up rather than silently dropping a connection.
        console.error(`Peregrine could not start: ${err instanceof Error ? err.message : String(err)}`);
        app.exit(2);
        return;
      }
      const { engine, manager: commands } = terminal;
      cleanups.push(registerIpc(commands, () => window, logger));
      window = createMainWindow({
        // The page keeps it current (document.title); this is what shows before it loads.
        title: `${commands.mode().toUpperCase()} — Peregrine`,
        preloadPath,
        iconPath: join(resourcesDir, 'icon-256.png'),
        isQuitting: () => quitting,
      });
      window.once('ready-to-show', () => console.log(READY_LINE));
      cleanups.push(attachStreamPort(engine, window.webContents));
      const updates = startUpdates({
        logger,
        // What the quit guard protects (then asked again, about what to leave at the broker).
        terminalManagedOrders: () =>
          Math.max(
            engine.protection.activeTerminal().length,
            terminalManagedWorking(engine.snapshot().orders),
          ),
        beforeRestart: () => (quitting = true),
      });
      cleanups.push(() => updates.stop());
      cleanups.push(createTray(engine, resourcesDir, { show, quit: () => app.quit() }, logger, updates));
      cleanups.push(
        notifyAlerts(engine, {
          windowFocused: () =>
            window !== null && !window.isDestroyed() && window.isVisible() && window.isFocused(),
          // Focusing the alert's symbol or connection in the page is a follow-up: the window comes forward.
          show: () => show(),
          logger,
        }),
      );
    })
    .catch((err: unknown) => {
      logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'start-up failed');
      console.error(`Peregrine could not start: ${err instanceof Error ? err.message : String(err)}`);
      app.exit(1);
    });
}
