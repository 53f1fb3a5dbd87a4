import { describe, expect, it } from 'vitest';
import {
  CHECK_INTERVAL_MS,
  FIRST_CHECK_DELAY_MS,
  RETRY_AFTER_FAILURE_MS,
  conciseReason,
  describeUpdate,
  initialState,
  installDecision,
  nextCheckDelay,
  reduce,
  terminalManagedWorking,
  updatesDisabledReason,
  type UpdateEvent,
  type UpdateState,
} from '../../../src/main/updates/policy';

const run = (events: UpdateEvent[], from: UpdateState = initialState(null)): UpdateState =>
  events.reduce(reduce, from);
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

describe('update state', () => {
  it('goes from a check through the background download to ready', () => {
    const states: UpdateState[] = [];
    let s = initialState(null);
    for (const e of [
      { type: 'check-started', at: 1 },
      { type: 'available', version: '1.2.0' },
      { type: 'progress', percent: 41.6 },
      { type: 'downloaded', version: '1.2.0' },
    ] satisfies UpdateEvent[]) {
      s = reduce(s, e);
      states.push(s);
    }
    expect(states).toEqual([
      { kind: 'checking', since: 1 },
      { kind: 'downloading', version: '1.2.0', percent: 0 },
      { kind: 'downloading', version: '1.2.0', percent: 42 },
      { kind: 'ready', version: '1.2.0' },
    ]);
  });

  it('says up to date with the time of the check', () => {
    expect(
      run([
        { type: 'check-started', at: 5 },
        { type: 'not-available', at: 9 },
      ]),
    ).toEqual({
      kind: 'up-to-date',
      checkedAt: 9,
    });
  });

  it('keeps a downloaded update ready whatever a later check says', () => {
    const ready = run([{ type: 'downloaded', version: '1.2.0' }]);
    expect(reduce(ready, { type: 'error', message: 'net::ERR_INTERNET_DISCONNECTED', at: 3 })).toBe(ready);
    expect(reduce(ready, { type: 'not-available', at: 3 })).toBe(ready);
    expect(reduce(ready, { type: 'check-started', at: 3 })).toBe(ready);
    expect(reduce(ready, { type: 'available', version: '1.2.0' })).toBe(ready);
    // Only a newer release replaces it.
    expect(reduce(ready, { type: 'available', version: '1.3.0' })).toEqual({
      kind: 'downloading',
      version: '1.3.0',
      percent: 0,
    });
  });

  it('keeps downloading when the feed is re-read mid-download', () => {
    const downloading = run([
      { type: 'available', version: '2.0.0' },
      { type: 'progress', percent: 10 },
    ]);
    expect(reduce(downloading, { type: 'check-started', at: 7 })).toBe(downloading);
  });

  it('clamps progress and ignores it outside a download', () => {
    const downloading = run([{ type: 'available', version: '2.0.0' }]);
    expect(reduce(downloading, { type: 'progress', percent: 140 })).toMatchObject({ percent: 100 });
    expect(reduce(downloading, { type: 'progress', percent: -3 })).toMatchObject({ percent: 0 });
    const idle = initialState(null);
    expect(reduce(idle, { type: 'progress', percent: 50 })).toBe(idle);
  });

  it('records a failure with a one-line reason', () => {
    const failed = run([
      { type: 'check-started', at: 1 },
      { type: 'error', message: 'HttpError: 404 Not Found\n"method: GET url: https://…"\nstack…', at: 2 },
    ]);
    expect(failed).toEqual({ kind: 'failed', reason: 'HttpError: 404 Not Found', at: 2 });
    expect(conciseReason('')).toBe('unknown error');
    expect(conciseReason('x'.repeat(400))).toHaveLength(158);
  });

  it('stays disabled whatever happens', () => {
    const off = initialState('development build (updates run only in an installed app)');
    expect(
      run(
        [
          { type: 'check-started', at: 1 },
          { type: 'downloaded', version: '9.9.9' },
        ],
        off,
      ),
    ).toBe(off);
  });
});

describe('check schedule', () => {
  it('waits a little after start, then every few hours, sooner after a failure', () => {
    expect(nextCheckDelay(initialState(null))).toBe(FIRST_CHECK_DELAY_MS);
    expect(nextCheckDelay({ kind: 'up-to-date', checkedAt: 0 })).toBe(CHECK_INTERVAL_MS);
    expect(nextCheckDelay({ kind: 'failed', reason: 'offline', at: 0 })).toBe(RETRY_AFTER_FAILURE_MS);
    expect(RETRY_AFTER_FAILURE_MS).toBeLessThan(CHECK_INTERVAL_MS);
    expect(CHECK_INTERVAL_MS).toBeGreaterThanOrEqual(60 * 60_000);
  });

  it('stops checking once an update is ready, or when updates are off', () => {
    expect(nextCheckDelay({ kind: 'ready', version: '1.2.0' })).toBeNull();
    expect(nextCheckDelay(initialState('turned off by PEREGRINE_UPDATES=off'))).toBeNull();
  });
});

describe('restart to install', () => {
  const ready: UpdateState = { kind: 'ready', version: '1.2.0' };

  it('restarts at once when nothing terminal-managed is working', () => {
    expect(installDecision(ready, 0)).toEqual({ action: 'restart-now' });
  });

  it('asks first while terminal-managed orders protect positions, naming how many', () => {
    const decision = installDecision(ready, 2);
    expect(decision).toMatchObject({ action: 'ask-consent', protectedOrders: 2 });
    expect(decision.action === 'ask-consent' && decision.question).toMatch(
      /^2 terminal-managed orders will stop protecting your positions while Peregrine restarts to install 1\.2\.0/,
    );
    expect(installDecision(ready, 1)).toMatchObject({
      question: expect.stringMatching(/^1 terminal-managed order will/),
    });
  });

  it('does nothing before an update is downloaded', () => {
    for (const s of [
      initialState(null),
      { kind: 'downloading', version: '1.2.0', percent: 99 },
      { kind: 'failed', reason: 'x', at: 0 },
    ] satisfies UpdateState[]) {
      expect(installDecision(s, 0).action).toBe('nothing');
    }
  });

  it('counts only working orders held by the terminal', () => {
    expect(
      terminalManagedWorking([
        { heldBy: 'terminal', status: 'working' },
        { heldBy: 'terminal', status: 'pending' },
        { heldBy: 'terminal', status: 'filled' },
        { heldBy: 'terminal', status: 'cancelled' },
        { heldBy: 'broker', status: 'working' },
        { heldBy: 'gateway', status: 'working' },
      ]),
    ).toBe(2);
  });
});

describe('where updates run', () => {
  const installed = {
    isPackaged: true,
    platform: 'win32' as NodeJS.Platform,
    env: {},
    hasUpdateFeed: true,
    packageType: null,
  };

  it('runs in an installed Windows or macOS app with a feed', () => {
    expect(updatesDisabledReason(installed)).toBeNull();
    expect(updatesDisabledReason({ ...installed, platform: 'darwin' })).toBeNull();
  });

  it('on Linux, runs only from an AppImage', () => {
    const linux = { ...installed, platform: 'linux' as NodeJS.Platform };
    expect(updatesDisabledReason({ ...linux, env: { APPIMAGE: '/home/t/Peregrine.AppImage' } })).toBeNull();
    expect(updatesDisabledReason({ ...linux, packageType: 'deb' })).toMatch(/\.deb package/);
    expect(updatesDisabledReason(linux)).toMatch(/not running from an AppImage/);
  });

  it('is off in development, without a feed, or when turned off', () => {
    expect(updatesDisabledReason({ ...installed, isPackaged: false })).toMatch(/development build/);
    expect(updatesDisabledReason({ ...installed, hasUpdateFeed: false })).toMatch(/no update feed/);
    expect(updatesDisabledReason({ ...installed, env: { PEREGRINE_UPDATES: 'off' } })).toMatch(
      /PEREGRINE_UPDATES=off/,
    );
  });
});

describe('what the tray and the Updates panel show', () => {
  it('offers "check now" only when no check or download is running', () => {
    expect(describeUpdate(initialState(null), '0.1.0', hhmm).canCheck).toBe(true);
    expect(describeUpdate({ kind: 'checking', since: 0 }, '0.1.0', hhmm).canCheck).toBe(false);
    expect(describeUpdate({ kind: 'downloading', version: '1', percent: 3 }, '0.1.0', hhmm).canCheck).toBe(
      false,
    );
    expect(describeUpdate(initialState('off'), '0.1.0', hhmm).canCheck).toBe(false);
  });

  it('states each outcome in one line', () => {
    const at = Date.UTC(2026, 11, 1, 9, 30);
    expect(describeUpdate({ kind: 'up-to-date', checkedAt: at }, '0.1.0', hhmm).headline).toBe(
      'Peregrine 0.1.0 is up to date (checked 09:30)',
    );
    expect(
      describeUpdate({ kind: 'downloading', version: '0.2.0', percent: 45 }, '0.1.0', hhmm).headline,
    ).toBe('Downloading Peregrine 0.2.0: 45 %');
    expect(describeUpdate({ kind: 'failed', reason: 'offline', at }, '0.1.0', hhmm).headline).toBe(
      'Update check failed (09:30): offline',
    );
    expect(describeUpdate(initialState('this build has no update feed'), '0.1.0', hhmm).headline).toBe(
      'Updates off: this build has no update feed',
    );
  });

  it('offers a restart only when an update is ready, and says it otherwise installs on quit', () => {
    const view = describeUpdate({ kind: 'ready', version: '0.2.0' }, '0.1.0', hhmm);
    expect(view.headline).toBe('Peregrine 0.2.0 is ready: it installs when you quit');
    expect(view.installLabel).toBe('Restart now to install 0.2.0…');
    expect(describeUpdate({ kind: 'up-to-date', checkedAt: 0 }, '0.1.0', hhmm).installLabel).toBeNull();
  });
});
