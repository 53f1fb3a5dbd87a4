/**
 * When Peregrine checks for, downloads and installs updates, as pure decisions. The Electron host
 * (src/main/electron/updates.ts) only binds these to electron-updater, timers and menus, so every
 * rule here is unit-tested without Electron.
 *
 * The rule that matters most: an update never restarts the app by itself. It downloads in the
 * background and installs when the trader quits; "restart now" is the trader's click, and while
 * terminal-managed orders are protecting positions (they stop when the app stops) that click
 * needs explicit consent first.
 */
import { isOrderDone, type HeldBy, type OrderStatus } from '../../shared/domain';

/** Wait after start-up before the first check, so connecting to brokers comes first. */
export const FIRST_CHECK_DELAY_MS = 30_000;
/** Between checks while the app stays open. */
export const CHECK_INTERVAL_MS = 4 * 60 * 60_000;
/** After a failed check (offline, feed down), try again sooner than the regular interval. */
export const RETRY_AFTER_FAILURE_MS = 30 * 60_000;

export type UpdateState =
  /** No updates in this build or on this install; `reason` says why, in the trader's words. */
  | { kind: 'disabled'; reason: string }
  | { kind: 'idle' }
  | { kind: 'checking'; since: number }
  | { kind: 'up-to-date'; checkedAt: number }
  | { kind: 'downloading'; version: string; percent: number }
  /** Downloaded and verified: installs when the app quits, or now if the trader asks. */
  | { kind: 'ready'; version: string }
  | { kind: 'failed'; reason: string; at: number };

export type UpdateEvent =
  | { type: 'check-started'; at: number }
  | { type: 'not-available'; at: number }
  | { type: 'available'; version: string }
  | { type: 'progress'; percent: number }
  | { type: 'downloaded'; version: string }
  | { type: 'error'; message: string; at: number };

export function initialState(disabledReason: string | null): UpdateState {
  return disabledReason === null ? { kind: 'idle' } : { kind: 'disabled', reason: disabledReason };
}

export function reduce(state: UpdateState, event: UpdateEvent): UpdateState {
  if (state.kind === 'disabled') return state;
  if (state.kind === 'ready') {
    // A downloaded update stays ready (it still installs on quit) whatever a later check says,
    // unless a newer version starts downloading to replace it.
    return event.type === 'available' && event.version !== state.version
      ? { kind: 'downloading', version: event.version, percent: 0 }
      : state;
  }
  switch (event.type) {
    case 'check-started':
      // A check while downloading is electron-updater re-reading the feed: the download goes on.
      return state.kind === 'downloading' ? state : { kind: 'checking', since: event.at };
    case 'not-available':
      return { kind: 'up-to-date', checkedAt: event.at };
    case 'available':
      return { kind: 'downloading', version: event.version, percent: 0 };
    case 'progress':
      if (state.kind !== 'downloading') return state;
      return { ...state, percent: Math.min(100, Math.max(0, Math.round(event.percent))) };
    case 'downloaded':
      return { kind: 'ready', version: event.version };
    case 'error':
      return { kind: 'failed', reason: conciseReason(event.message), at: event.at };
  }
}

/**
 * One line a trader can act on. electron-updater errors carry HTTP bodies and stack traces;
 * keep the first line, bounded.
 */
export function conciseReason(message: string): string {
  const first = message.split('\n')[0]?.trim() ?? '';
  const text = first === '' ? 'unknown error' : first;
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** Milliseconds until the next automatic check, or null when none should be scheduled. */
export function nextCheckDelay(state: UpdateState): number | null {
  switch (state.kind) {
    case 'disabled':
    case 'ready':
      // Nothing to gain: a ready update installs on quit; checking again could only replace it.
      return null;
    case 'idle':
      return FIRST_CHECK_DELAY_MS;
    case 'failed':
      return RETRY_AFTER_FAILURE_MS;
    case 'checking':
    case 'downloading':
    case 'up-to-date':
      return CHECK_INTERVAL_MS;
  }
}

/** Whether "check now" does anything in this state (a check or download already running wins). */
export function canCheckNow(state: UpdateState): boolean {
  return state.kind === 'idle' || state.kind === 'up-to-date' || state.kind === 'failed';
}

export interface ProtectedOrder {
  heldBy: HeldBy;
  status: OrderStatus;
}

/** Working orders that only exist while this app runs: quitting stops them protecting anything. */
export function terminalManagedWorking(orders: readonly ProtectedOrder[]): number {
  let n = 0;
  for (const order of orders) if (order.heldBy === 'terminal' && !isOrderDone(order.status)) n++;
  return n;
}

export type InstallDecision =
  | { action: 'nothing'; why: string }
  | { action: 'restart-now' }
  | { action: 'ask-consent'; protectedOrders: number; question: string };

/** What "restart to install" does, given what the terminal is protecting right now. */
export function installDecision(state: UpdateState, terminalManagedOrders: number): InstallDecision {
  if (state.kind !== 'ready') return { action: 'nothing', why: 'no update has been downloaded yet' };
  if (terminalManagedOrders === 0) return { action: 'restart-now' };
  const orders =
    terminalManagedOrders === 1
      ? '1 terminal-managed order'
      : `${terminalManagedOrders} terminal-managed orders`;
  return {
    action: 'ask-consent',
    protectedOrders: terminalManagedOrders,
    question: `${orders} will stop protecting your positions while Peregrine restarts to install ${state.version}. Restart anyway?`,
  };
}

export interface UpdateAvailabilityInput {
  /** app.isPackaged: a development run has no installer to update. */
  isPackaged: boolean;
  platform: NodeJS.Platform;
  /** PEREGRINE_UPDATES (off turns updates off for managed installs), APPIMAGE (set by the AppImage runtime). */
  env: Readonly<Record<string, string | undefined>>;
  /** The build carries resources/app-update.yml (it has an update feed). */
  hasUpdateFeed: boolean;
  /** resources/package-type, written by electron-builder for deb/rpm builds. */
  packageType: string | null;
}

/** Null when updates can run; otherwise why not, as shown in the Updates panel. */
export function updatesDisabledReason(input: UpdateAvailabilityInput): string | null {
  if (!input.isPackaged) return 'development build (updates run only in an installed app)';
  if (input.env.PEREGRINE_UPDATES === 'off') return 'turned off by PEREGRINE_UPDATES=off';
  if (!input.hasUpdateFeed) return 'this build has no update feed';
  if (input.platform === 'linux') {
    // Installing a .deb needs root (pkexec would prompt for a password at quit): leave it to apt.
    if (input.packageType === 'deb') return 'installed from a .deb package: install new versions with it';
    if (input.env.APPIMAGE === undefined || input.env.APPIMAGE === '')
      return 'not running from an AppImage: nothing to update in place';
  }
  return null;
}

export interface UpdateView {
  /** One line for the tray menu and the panel heading. */
  headline: string;
  canCheck: boolean;
  /** Label of the "restart now" action, when an update is ready. */
  installLabel: string | null;
}

/** What the tray menu and the About / Updates panel show for a state. */
export function describeUpdate(
  state: UpdateState,
  currentVersion: string,
  formatTime: (epochMs: number) => string,
): UpdateView {
  const canCheck = canCheckNow(state);
  switch (state.kind) {
    case 'disabled':
      return { headline: `Updates off: ${state.reason}`, canCheck: false, installLabel: null };
    case 'idle':
      return {
        headline: `Peregrine ${currentVersion}: not checked for updates yet`,
        canCheck,
        installLabel: null,
      };
    case 'checking':
      return { headline: 'Checking for updates…', canCheck, installLabel: null };
    case 'up-to-date':
      return {
        headline: `Peregrine ${currentVersion} is up to date (checked ${formatTime(state.checkedAt)})`,
        canCheck,
        installLabel: null,
      };
    case 'downloading':
      return {
        headline: `Downloading Peregrine ${state.version}: ${state.percent} %`,
        canCheck,
        installLabel: null,
      };
    case 'ready':
      return {
        headline: `Peregrine ${state.version} is ready: it installs when you quit`,
        canCheck,
        installLabel: `Restart now to install ${state.version}…`,
      };
    case 'failed':
      return {
        headline: `Update check failed (${formatTime(state.at)}): ${state.reason}`,
        canCheck,
        installLabel: null,
      };
  }
}
