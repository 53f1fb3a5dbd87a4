/** How the connections panel shows a connection's last error: current (red) or history (muted, dated). */
import { describe, expect, it } from 'vitest';
import { dateErrors, errorView, type SeenError } from '../../src/renderer/connections/health';
import type { ConnectionHealth } from '../../src/shared/domain';

const T0 = 1_760_000_000_000;

function health(over: Partial<ConnectionHealth>): ConnectionHealth {
  return {
    id: 'gw',
    kind: 'portfolio-stream',
    label: 'Gateway',
    mode: 'demo',
    state: 'live',
    since: T0,
    rttMs: 12,
    lagMs: 3,
    clockOffsetMs: 0,
    lastMessageAt: T0,
    messagesPerSec: 1,
    reconnects: 0,
    attempt: 0,
    nextRetryAt: null,
    lastError: null,
    malformedFrames: 0,
    rttHistory: [],
    lagHistory: [],
    ...over,
  };
}

describe('connections panel: last error', () => {
  it('is red while the connection is down and muted history with its age once live again', () => {
    const lost = 'connection lost (no close frame)';
    // The drop: backoff since T0 + 10 s, seen by the page a moment later.
    const first = dateErrors(
      [health({ state: 'backoff', since: T0 + 10_000, lastError: lost, nextRetryAt: T0 + 14_000 })],
      new Map<string, SeenError>(),
      T0 + 10_300,
    );
    const [down] = first.rows;
    expect(down && errorView(down, T0 + 11_000)).toMatchObject({ text: lost, current: true });
    // Recovered at T0 + 15 s; a minute later the row reads as history.
    const [up] = dateErrors(
      [health({ state: 'live', since: T0 + 15_000, lastError: lost })],
      first.seen,
      T0 + 15_100,
    ).rows;
    expect(up && errorView(up, T0 + 70_000)).toMatchObject({ text: `1m ago: ${lost}`, current: false });
  });

  it('dates an error found on page load in a live connection as "before it went live"', () => {
    const [row] = dateErrors(
      [health({ state: 'live', since: T0, lastError: 'closed by server (1011)' })],
      new Map(),
      T0 + 5_000,
    ).rows;
    expect(row && errorView(row, T0 + 125_000)?.text).toBe('>2m ago: closed by server (1011)');
  });

  it('shows nothing for a connection that never failed', () => {
    const [row] = dateErrors([health({})], new Map(), T0).rows;
    expect(row && errorView(row, T0)).toBeNull();
  });
});
