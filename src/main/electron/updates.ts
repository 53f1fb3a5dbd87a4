/**
 * Binds the update policy (src/main/updates/policy.ts) to electron-updater: checks shortly after
 * start and every few hours, downloads in the background, installs when the trader quits, and
 * restarts early only on the trader's click, with consent while terminal-managed orders are
 * active. The state shows in the tray menu and in an About / Updates dialog with "Check now".
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { app, dialog, type MenuItemConstructorOptions } from 'electron';
// electron-updater is CommonJS with getter exports that ESM named imports cannot see.
import electronUpdater from 'electron-updater';
import type { Logger } from '../core/log';
import {
  describeUpdate,
  initialState,
  installDecision,
  nextCheckDelay,
  reduce,
  updatesDisabledReason,
  type UpdateEvent,
  type UpdateState,
} from '../updates/policy';

export interface UpdatesOptions {
  logger: Logger;
  /** Terminal-managed working orders right now: they stop protecting when the app stops. */
  terminalManagedOrders(): number;
  /**
   * Asks the trader before a restart that would stop terminal-managed protection. The quit guard
   * can supply its own; the default is a warning dialog whose default button keeps running.
   */
  confirmRestart?(question: string): Promise<boolean>;
  /** Called right before quitAndInstall, so windows that hide to the tray really close. */
  beforeRestart(): void;
}

export interface Updates {
  /** Items for the tray menu, rebuilt whenever the state changes. */
  menuItems(): MenuItemConstructorOptions[];
  onChange(listener: () => void): () => void;
  stop(): void;
}

const timeOfDay = (epochMs: number): string =>
  new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

function readPackageType(): string | null {
  try {
    return readFileSync(join(process.resourcesPath, 'package-type'), 'utf8').trim();
  } catch {
    return null;
  }
}

export function startUpdates(options: UpdatesOptions): Updates {
  const { logger } = options;
  const log = logger.child({ component: 'updates' });
  const version = app.getVersion();
  let state: UpdateState = initialState(
    updatesDisabledReason({
      isPackaged: app.isPackaged,
      platform: process.platform,
      env: process.env,
      hasUpdateFeed: app.isPackaged && existsSync(join(process.resourcesPath, 'app-update.yml')),
      packageType: app.isPackaged ? readPackageType() : null,
    }),
  );
  // Reading electron-updater's autoUpdater creates the platform's updater: only when updates run.
  const autoUpdater = state.kind === 'disabled' ? null : electronUpdater.autoUpdater;
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const schedule = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const delay = stopped ? null : nextCheckDelay(state);
    if (delay !== null) timer = setTimeout(check, delay);
  };
  const apply = (event: UpdateEvent): void => {
    const next = reduce(state, event);
    if (next === state) return;
    const scheduleChanged = next.kind !== state.kind;
    state = next;
    if (scheduleChanged) schedule();
    for (const listener of listeners) listener();
  };
  function check(): void {
    // Errors also arrive as 'error' events, which is where the state learns of them.
    autoUpdater?.checkForUpdates().catch((err: unknown) => {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'update check failed');
    });
    // The events reschedule as the state changes; this keeps a timer even if none arrives.
    schedule();
  }

  const onChecking = (): void => apply({ type: 'check-started', at: Date.now() });
  const onNone = (): void => apply({ type: 'not-available', at: Date.now() });
  const onAvailable = (info: { version: string }): void =>
    apply({ type: 'available', version: info.version });
  const onProgress = (p: { percent: number }): void => apply({ type: 'progress', percent: p.percent });
  const onDownloaded = (info: { version: string }): void => {
    log.info({ version: info.version }, 'update downloaded; it installs on quit');
    apply({ type: 'downloaded', version: info.version });
  };
  const onError = (err: Error): void => {
    log.warn({ err: err.message }, 'update failed');
    apply({ type: 'error', message: err.message, at: Date.now() });
  };

  if (autoUpdater !== null) {
    autoUpdater.logger = {
      info: (m: unknown) => log.info(String(m)),
      warn: (m: unknown) => log.warn(String(m)),
      error: (m: unknown) => log.error(String(m)),
      debug: (m: unknown) => log.debug(String(m)),
    };
    autoUpdater.autoDownload = true;
    // Installing when the trader quits never interrupts a session; restarting early is a click.
    autoUpdater.autoInstallOnAppQuit = true;
    autoUpdater.allowPrerelease = false;
    autoUpdater.allowDowngrade = false;
    autoUpdater.on('checking-for-update', onChecking);
    autoUpdater.on('update-not-available', onNone);
    autoUpdater.on('update-available', onAvailable);
    autoUpdater.on('download-progress', onProgress);
    autoUpdater.on('update-downloaded', onDownloaded);
    autoUpdater.on('error', onError);
  } else if (state.kind === 'disabled') {
    log.info({ reason: state.reason }, 'updates off');
  }
  schedule();

  const confirmRestart =
    options.confirmRestart ??
    (async (question: string): Promise<boolean> => {
      const { response } = await dialog.showMessageBox({
        type: 'warning',
        title: 'Restart Peregrine?',
        message: 'Terminal-managed orders are active',
        detail: question,
        buttons: ['Keep running', 'Restart and install'],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      });
      return response === 1;
    });

  const installNow = async (): Promise<void> => {
    const decision = installDecision(state, options.terminalManagedOrders());
    if (decision.action === 'nothing' || autoUpdater === null) return;
    if (decision.action === 'ask-consent' && !(await confirmRestart(decision.question))) {
      log.info({ protectedOrders: decision.protectedOrders }, 'restart to update declined');
      return;
    }
    log.info('restarting to install the update');
    options.beforeRestart();
    // Silent: the per-user installer needs no questions; then relaunch, as the trader asked.
    autoUpdater.quitAndInstall(true, true);
  };

  const checkNow = (): void => {
    if (describeUpdate(state, version, timeOfDay).canCheck) check();
  };

  const openPanel = async (): Promise<void> => {
    const view = describeUpdate(state, version, timeOfDay);
    const buttons = [
      'Close',
      ...(view.canCheck ? ['Check now'] : []),
      ...(view.installLabel ? ['Restart to install'] : []),
    ];
    const { response } = await dialog.showMessageBox({
      type: 'info',
      title: 'About Peregrine',
      message: `Peregrine ${version}`,
      detail: `${view.headline}\n\nElectron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}`,
      buttons,
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    if (buttons[response] === 'Check now') checkNow();
    if (buttons[response] === 'Restart to install') await installNow();
  };

  const fail = (err: unknown): void =>
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'updates menu action failed');

  return {
    menuItems() {
      const view = describeUpdate(state, version, timeOfDay);
      return [
        { label: view.headline, enabled: false },
        ...(view.installLabel === null
          ? []
          : [{ label: view.installLabel, click: () => void installNow().catch(fail) }]),
        { label: 'Check for updates now', enabled: view.canCheck, click: checkNow },
        { label: 'About Peregrine / Updates…', click: () => void openPanel().catch(fail) },
      ];
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      listeners.clear();
      if (autoUpdater === null) return;
      autoUpdater.off('checking-for-update', onChecking);
      autoUpdater.off('update-not-available', onNone);
      autoUpdater.off('update-available', onAvailable);
      autoUpdater.off('download-progress', onProgress);
      autoUpdater.off('update-downloaded', onDownloaded);
      autoUpdater.off('error', onError);
    },
  };
}
