/** The Journal tab's local day and durations. */
import { describe, expect, it } from 'vitest';
import { dayRange, formatDuration, localDay } from '../../src/renderer/journal/day';

describe('journal day', () => {
  it('turns a date into local midnight to the next', () => {
    const r = dayRange('2026-12-01');
    expect(r).not.toBeNull();
    expect(new Date(r?.from ?? 0).getHours()).toBe(0);
    expect(localDay(r?.from ?? 0)).toBe('2026-12-01');
    expect(localDay(r?.to ?? 0)).toBe('2026-12-02');
    expect(dayRange('yesterday')).toBeNull();
  });

  it('says how long a trip was held', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(45_400)).toBe('45s');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12m 05s');
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000)).toBe('2h 03m');
    expect(formatDuration(50 * 3_600_000)).toBe('2d 02h');
  });
});
