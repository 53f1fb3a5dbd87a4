/** How the connections panel shows a connection's last error: current (red) or history (muted, dated). */
import { describe, expect, it } from 'vitest';
import { errorView } from '../../../../src/renderer/connections/health';
import { blankHealth, type ConnectionHealth } from '../../../../src/shared/domain';

const T0 = 1_760_000_000_000;

function health(over: Partial<ConnectionHealth>): ConnectionHealth {
  return {
    ...blankHealth({
      id: 'gw',
      kind: 'portfolio-stream',
      label: 'Gateway',
      mode: 'demo',
      state: 'live',
      since: T0,
    }),
    rttMs: 12,
    lagMs: 3,
    clockOffsetMs: 0,
    lastMessageAt: T0,
    messagesPerSec: 1,
    ...over,
  };
}

describe('connections panel: last error', () => {
  it('is red while the connection is down and muted history with its age once live again', () => {
    const lost = 'connection lost (no close frame)';
    // The drop at T0 + 10 s: backoff since then.
    const down = health({
      state: 'backoff',
      since: T0 + 10_000,
      lastError: lost,
      lastErrorAt: T0 + 10_000,
      nextRetryAt: T0 + 14_000,
    });
    expect(errorView(down, T0 + 11_000)).toMatchObject({ text: lost, current: true });
    // Recovered at T0 + 15 s; a minute after the drop the row reads as history.
    const up = health({ state: 'live', since: T0 + 15_000, lastError: lost, lastErrorAt: T0 + 10_000 });
    expect(errorView(up, T0 + 70_000)).toMatchObject({ text: `1m ago: ${lost}`, current: false });
  });

  it('dates an error by when it happened, even on a page opened long after it', () => {
    // Failed at T0, live again since T0 + 90 s; the page opens at T0 + 125 s. The panel used to
    // date this from `since` as ">35s ago"; the engine knows it was 2 minutes ago.
    const row = health({
      state: 'live',
      since: T0 + 90_000,
      lastError: 'closed by server (1011)',
      lastErrorAt: T0,
    });
    expect(errorView(row, T0 + 125_000)?.text).toBe('2m ago: closed by server (1011)');
    expect(errorView(row, T0 + 125_000)?.title).toContain(new Date(T0).toLocaleTimeString());
  });

  it('shows nothing for a connection that never failed', () => {
    expect(errorView(health({}), T0)).toBeNull();
  });
});
