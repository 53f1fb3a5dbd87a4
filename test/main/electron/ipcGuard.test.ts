/**
 * Checklist §17, validate the IPC sender: the guard every `ipcMain.handle` goes through, driven
 * with plain objects standing in for the window, its frames and the invoke event.
 */
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../src/shared/channels';
import { ClientBudget, DEFAULT_CLIENT_LIMITS } from '../../../src/main/host/clientLimits';
import {
  guardedHandler,
  RejectedSenderError,
  type SenderEvent,
  type TrustedWindow,
} from '../../../src/main/electron/ipcGuard';

const CHANNEL: Channel = 'term:orders.place';

/** Our window: its web contents and main frame, on app://peregrine unless told otherwise. */
function fakeWindow(url = 'app://peregrine/index.html') {
  const mainFrame = { url };
  const webContents = { mainFrame };
  let destroyed = false;
  const window = { webContents, isDestroyed: () => destroyed };
  return {
    window: window as unknown as TrustedWindow,
    mainFrame,
    webContents,
    destroy: () => (destroyed = true),
  };
}

const event = (sender: unknown, senderFrame: unknown): SenderEvent =>
  ({ sender, senderFrame }) as unknown as SenderEvent;

function guard(window: TrustedWindow | null) {
  const dispatched: Array<[string, unknown]> = [];
  const rejected: string[] = [];
  const handler = guardedHandler(CHANNEL, {
    dispatch: async (channel, payload) => {
      dispatched.push([channel, payload]);
      return { ok: true };
    },
    window: () => window,
    rejected: (channel) => rejected.push(channel),
  });
  return { handler, dispatched, rejected };
}

describe('IPC sender check', () => {
  it('serves the main frame of our window on app://peregrine', async () => {
    const w = fakeWindow();
    const { handler, dispatched } = guard(w.window);
    await expect(handler(event(w.webContents, w.mainFrame), { qty: 1 })).resolves.toEqual({ ok: true });
    expect(dispatched).toEqual([[CHANNEL, { qty: 1 }]]);
  });

  it.each([
    [
      'no frame (it was destroyed or navigated)',
      (w: ReturnType<typeof fakeWindow>) => event(w.webContents, null),
    ],
    [
      'a sub-frame of our window',
      (w: ReturnType<typeof fakeWindow>) => event(w.webContents, { url: 'app://peregrine/x' }),
    ],
    [
      'another web contents',
      (w: ReturnType<typeof fakeWindow>) => event({ mainFrame: w.mainFrame }, w.mainFrame),
    ],
  ])('refuses %s without dispatching', async (_name, make) => {
    const w = fakeWindow();
    const { handler, dispatched, rejected } = guard(w.window);
    await expect(handler(make(w), { secret: 'never read' })).rejects.toBeInstanceOf(RejectedSenderError);
    expect(dispatched).toEqual([]);
    expect(rejected).toEqual([CHANNEL]);
  });

  it.each(['https://evil.example/', 'file:///index.html', 'app://other/index.html', 'about:blank'])(
    'refuses our main frame once it shows %s',
    async (url) => {
      const w = fakeWindow(url);
      const { handler, dispatched } = guard(w.window);
      await expect(handler(event(w.webContents, w.mainFrame), {})).rejects.toBeInstanceOf(
        RejectedSenderError,
      );
      expect(dispatched).toEqual([]);
    },
  );

  it('refuses everyone when there is no window or it was destroyed', async () => {
    const none = guard(null);
    const w = fakeWindow();
    await expect(none.handler(event(w.webContents, w.mainFrame), {})).rejects.toBeInstanceOf(
      RejectedSenderError,
    );
    w.destroy();
    const gone = guard(w.window);
    await expect(gone.handler(event(w.webContents, w.mainFrame), {})).rejects.toBeInstanceOf(
      RejectedSenderError,
    );
    expect([...none.dispatched, ...gone.dispatched]).toEqual([]);
  });

  it('passes an absent payload as an empty request', async () => {
    const w = fakeWindow();
    const { handler, dispatched } = guard(w.window);
    await handler(event(w.webContents, w.mainFrame), undefined);
    expect(dispatched).toEqual([[CHANNEL, {}]]);
  });

  it('holds the window to the same call budget as a web client', async () => {
    const w = fakeWindow();
    const budget = new ClientBudget({
      ...DEFAULT_CLIENT_LIMITS,
      maxCallsInFlight: 2,
      // No refill during the test: the outcome cannot depend on this machine's speed.
      snapshots: { burst: 1, perSecond: 1e-6 },
    });
    const refused: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const deps = {
      dispatch: async (channel: string) => {
        if (channel === 'term:orders.place') await held;
        if (channel === 'term:orders.cancel') throw new Error('engine said no');
        return { ok: true };
      },
      window: () => w.window,
      rejected: () => undefined,
      budget,
      refused: (channel: Channel, why: string) => refused.push(`${channel} ${why}`),
    };
    const place = guardedHandler('term:orders.place', deps);
    const snapshot = guardedHandler('term:stream.snapshot', deps);
    const cancel = guardedHandler('term:orders.cancel', deps);
    const from = event(w.webContents, w.mainFrame);

    const first = place(from, {});
    const second = place(from, {});
    await expect(place(from, {})).rejects.toThrow(/in flight/);
    release();
    await Promise.all([first, second]);
    // A call that fails still gives its slot back.
    await expect(cancel(from, {})).rejects.toThrow('engine said no');
    await expect(snapshot(from, {})).resolves.toEqual({ ok: true });
    await expect(snapshot(from, {})).rejects.toThrow(/try again/);
    expect(budget.inFlight).toBe(0);
    expect(refused).toEqual(['term:orders.place busy', 'term:stream.snapshot rate limited']);
  });

  it("holds a ladder's depth.watch to the chart budget, on its own channel through the guard", async () => {
    const w = fakeWindow();
    const budget = new ClientBudget({
      ...DEFAULT_CLIENT_LIMITS,
      chartHistory: { burst: 2, perSecond: 1e-6 },
    });
    const dispatched: string[] = [];
    const refused: string[] = [];
    const deps = {
      dispatch: async (channel: string) => {
        dispatched.push(channel);
        return { ok: true };
      },
      window: () => w.window,
      rejected: () => undefined,
      budget,
      refused: (channel: Channel, why: string) => refused.push(`${channel} ${why}`),
    };
    const watch = guardedHandler('term:depth.watch', deps);
    const unwatch = guardedHandler('term:depth.unwatch', deps);
    const from = event(w.webContents, w.mainFrame);
    const listing = { connectionId: 'paper', symbol: 'ES' };
    await expect(watch(from, listing)).resolves.toEqual({ ok: true });
    await expect(watch(from, listing)).resolves.toEqual({ ok: true });
    await expect(watch(from, listing)).rejects.toThrow(/try again/);
    // Unwatching is never refused: a closed ladder always stops its book.
    for (let i = 0; i < 5; i++) await expect(unwatch(from, listing)).resolves.toEqual({ ok: true });
    expect(refused).toEqual(['term:depth.watch rate limited']);
    expect(dispatched.filter((c) => c === 'term:depth.watch')).toHaveLength(2);
  });
});
