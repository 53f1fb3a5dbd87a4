/** A new connection's environment: demo, else paper, never live unless live is all there is. */
import { describe, expect, it } from 'vitest';
import { newConnectionMode } from '../../../src/renderer/connectionManager/mode';

describe('newConnectionMode', () => {
  it('starts on demo wherever the kind has it, even when the kind defaults to live', () => {
    expect(newConnectionMode(['paper', 'demo', 'live'])).toBe('demo');
    expect(newConnectionMode(['demo', 'live'])).toBe('demo');
    expect(newConnectionMode(['live', 'demo'])).toBe('demo');
  });

  it('falls back to paper, and to live only for a live-only kind', () => {
    expect(newConnectionMode(['live', 'paper'])).toBe('paper');
    expect(newConnectionMode(['live'])).toBe('live');
    expect(newConnectionMode([])).toBe('demo');
  });
});
