/**
 * The Electron binding of the update policy. Electron cannot run here, so `electron` and
 * `electron-updater` are stand-ins: an app object and an updater that emits electron-updater's
 * events. What is checked is the binding's own behaviour: when it checks, what the tray menu
 * says, and that a restart happens only on the trader's click and, with terminal-managed
 * orders working, only after consent.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { createLogger } from '../../../src/main/core/log';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS } from '../../../src/main/updates/policy';

type FakeUpdater = EventEmitter & {
  checkForUpdates: Mock<() => Promise<null>>;
  quitAndInstall: Mock<(isSilent?: boolean, isForceRunAfter?: boolean) => void>;
  autoDownload?: boolean;
  autoInstallOnAppQuit?: boolean;
};

const fake = vi.hoisted(() => ({
  isPackaged: true,
  updaterReads: 0,
  updater: null as unknown as FakeUpdater,
}));

vi.mock('electron', () => ({
  app: {
    getVersion: () => '0.1.0',
    get isPackaged() {
      return fake.isPackaged;
    },
  },
  dialog: { showMessageBox: vi.fn() },
}));
vi.mock('electron-updater', () => ({
  default: {
    get autoUpdater() {
      fake.updaterReads++;
      return fake.updater;
    },
  },
}));

const { startUpdates } = await import('../../../src/main/electron/updates');

const logger = createLogger({ name: 'updates-test', level: 'silent' });
let resources = '';
const savedEnv = { ...process.env };

function menu(updates: { menuItems(): MenuItemConstructorOptions[] }): string[] {
  return updates.menuItems().map((item) => `${item.label}${item.enabled === false ? ' (disabled)' : ''}`);
}
function click(updates: { menuItems(): MenuItemConstructorOptions[] }, label: RegExp): void {
  const item = updates.menuItems().find((i) => label.test(i.label ?? ''));
  if (item?.click === undefined) throw new Error(`no menu item ${label}`);
  (item.click as () => void)();
}

beforeEach(() => {
  vi.useFakeTimers();
  fake.isPackaged = true;
  fake.updaterReads = 0;
  fake.updater = Object.assign(new EventEmitter(), {
    checkForUpdates: vi.fn(async () => null),
    quitAndInstall: vi.fn(),
  });
  resources = mkdtempSync(join(tmpdir(), 'peregrine-resources-'));
  writeFileSync(join(resources, 'app-update.yml'), 'provider: github\nowner: acme\nrepo: peregrine\n');
  Object.defineProperty(process, 'resourcesPath', { value: resources, configurable: true });
  // Linux updates run from an AppImage only; say we are one.
  process.env.APPIMAGE = '/tmp/Peregrine.AppImage';
  delete process.env.PEREGRINE_UPDATES;
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(resources, { recursive: true, force: true });
  process.env = { ...savedEnv };
});

describe('updates in a development run', () => {
  it('are off, say why, schedule nothing and never create the updater', () => {
    fake.isPackaged = false;
    const updates = startUpdates({ logger, terminalManagedOrders: () => 0, beforeRestart: vi.fn() });
    expect(menu(updates)).toEqual([
      'Updates off: development build (updates run only in an installed app) (disabled)',
      'Check for updates now (disabled)',
      'About Peregrine / Updates…',
    ]);
    expect(vi.getTimerCount()).toBe(0);
    expect(fake.updaterReads).toBe(0);
    updates.stop();
  });
});

describe('updates in an installed app', () => {
  it('check shortly after start and then every few hours, downloading and installing on quit', async () => {
    const updates = startUpdates({ logger, terminalManagedOrders: () => 0, beforeRestart: vi.fn() });
    expect(fake.updater.autoDownload).toBe(true);
    expect(fake.updater.autoInstallOnAppQuit).toBe(true);
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_DELAY_MS - 1);
    expect(fake.updater.checkForUpdates).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.updater.checkForUpdates).toHaveBeenCalledTimes(1);
    fake.updater.emit('checking-for-update');
    fake.updater.emit('update-not-available', { version: '0.1.0' });
    expect(menu(updates)[0]).toMatch(/^Peregrine 0\.1\.0 is up to date \(checked [^)]+\) \(disabled\)$/);
    await vi.advanceTimersByTimeAsync(CHECK_INTERVAL_MS);
    expect(fake.updater.checkForUpdates).toHaveBeenCalledTimes(2);
    updates.stop();
  });

  it('show the download and then offer a restart, and never restart by themselves', async () => {
    const beforeRestart = vi.fn();
    const updates = startUpdates({ logger, terminalManagedOrders: () => 0, beforeRestart });
    const changed = vi.fn();
    updates.onChange(changed);
    fake.updater.emit('update-available', { version: '1.2.0' });
    fake.updater.emit('download-progress', { percent: 49.6 });
    expect(menu(updates)[0]).toBe('Downloading Peregrine 1.2.0: 50 % (disabled)');
    expect(menu(updates)).toContain('Check for updates now (disabled)');
    fake.updater.emit('update-downloaded', { version: '1.2.0' });
    expect(menu(updates).slice(0, 2)).toEqual([
      'Peregrine 1.2.0 is ready: it installs when you quit (disabled)',
      'Restart now to install 1.2.0…',
    ]);
    expect(changed).toHaveBeenCalledTimes(3);
    // A whole day later: still waiting for the trader, and no more checks.
    const checks = fake.updater.checkForUpdates.mock.calls.length;
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(fake.updater.quitAndInstall).not.toHaveBeenCalled();
    expect(beforeRestart).not.toHaveBeenCalled();
    expect(fake.updater.checkForUpdates.mock.calls.length).toBe(checks);
    updates.stop();
  });

  it('restart at once on the click when nothing terminal-managed is working', async () => {
    const order: string[] = [];
    const confirmRestart = vi.fn(async () => true);
    const updates = startUpdates({
      logger,
      terminalManagedOrders: () => 0,
      confirmRestart,
      beforeRestart: () => order.push('beforeRestart'),
    });
    fake.updater.quitAndInstall.mockImplementation(() => order.push('quitAndInstall'));
    fake.updater.emit('update-downloaded', { version: '1.2.0' });
    click(updates, /^Restart now/);
    await vi.waitFor(() => expect(fake.updater.quitAndInstall).toHaveBeenCalledWith(true, true));
    expect(confirmRestart).not.toHaveBeenCalled();
    // Windows that hide to the tray must really close for the restart.
    expect(order).toEqual(['beforeRestart', 'quitAndInstall']);
    updates.stop();
  });

  it('ask before a restart that would stop terminal-managed orders, and stay when the trader declines', async () => {
    let answer: (yes: boolean) => void = () => undefined;
    const confirmRestart = vi.fn(
      (_question: string) => new Promise<boolean>((resolve) => (answer = resolve)),
    );
    const beforeRestart = vi.fn();
    const updates = startUpdates({ logger, terminalManagedOrders: () => 2, confirmRestart, beforeRestart });
    fake.updater.emit('update-downloaded', { version: '1.2.0' });

    click(updates, /^Restart now/);
    await vi.waitFor(() => expect(confirmRestart).toHaveBeenCalledTimes(1));
    expect(confirmRestart.mock.calls[0]?.[0]).toMatch(/^2 terminal-managed orders will stop protecting/);
    answer(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.updater.quitAndInstall).not.toHaveBeenCalled();
    expect(beforeRestart).not.toHaveBeenCalled();

    click(updates, /^Restart now/);
    await vi.waitFor(() => expect(confirmRestart).toHaveBeenCalledTimes(2));
    answer(true);
    await vi.waitFor(() => expect(fake.updater.quitAndInstall).toHaveBeenCalledTimes(1));
    expect(beforeRestart).toHaveBeenCalledTimes(1);
    updates.stop();
  });

  it('show a failed check with its reason and retry sooner', async () => {
    const updates = startUpdates({ logger, terminalManagedOrders: () => 0, beforeRestart: vi.fn() });
    fake.updater.emit('checking-for-update');
    fake.updater.emit('error', new Error('net::ERR_INTERNET_DISCONNECTED\n    at stack'));
    expect(menu(updates)[0]).toMatch(
      /^Update check failed \([^)]+\): net::ERR_INTERNET_DISCONNECTED \(disabled\)$/,
    );
    expect(menu(updates)).toContain('Check for updates now');
    click(updates, /^Check for updates now/);
    expect(fake.updater.checkForUpdates).toHaveBeenCalledTimes(1);
    updates.stop();
  });

  it('are off when PEREGRINE_UPDATES=off or the build has no feed', () => {
    process.env.PEREGRINE_UPDATES = 'off';
    const off = startUpdates({ logger, terminalManagedOrders: () => 0, beforeRestart: vi.fn() });
    expect(menu(off)[0]).toBe('Updates off: turned off by PEREGRINE_UPDATES=off (disabled)');
    off.stop();
    delete process.env.PEREGRINE_UPDATES;
    rmSync(join(resources, 'app-update.yml'));
    const noFeed = startUpdates({ logger, terminalManagedOrders: () => 0, beforeRestart: vi.fn() });
    expect(menu(noFeed)[0]).toBe('Updates off: this build has no update feed (disabled)');
    noFeed.stop();
    expect(fake.updaterReads).toBe(0);
  });

  it('let go of the updater when stopped', () => {
    const updates = startUpdates({ logger, terminalManagedOrders: () => 0, beforeRestart: vi.fn() });
    expect(fake.updater.listenerCount('update-downloaded')).toBe(1);
    updates.stop();
    for (const event of [
      'checking-for-update',
      'update-available',
      'download-progress',
      'update-downloaded',
      'error',
    ])
      expect(fake.updater.listenerCount(event), event).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
