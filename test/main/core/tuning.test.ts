import { describe, expect, it } from 'vitest';
import { linkTuningFromEnv, MAX_LINK_AGE_ENV } from '../../../src/main/core/tuning';

describe('link tuning from the environment', () => {
  it('caps link age when PEREGRINE_MAX_LINK_AGE_MS is set, and not otherwise', () => {
    expect(linkTuningFromEnv({})).toEqual({});
    expect(linkTuningFromEnv({ [MAX_LINK_AGE_ENV]: ' ' })).toEqual({});
    expect(linkTuningFromEnv({ [MAX_LINK_AGE_ENV]: '16000' })).toEqual({ maxLinkAgeMs: 16_000 });
  });

  it('refuses a value that would churn links or is not a whole number of milliseconds', () => {
    for (const bad of ['500', '1.5e3', 'soon', '-1', String(8 * 86_400_000)])
      expect(() => linkTuningFromEnv({ [MAX_LINK_AGE_ENV]: bad })).toThrow(MAX_LINK_AGE_ENV);
  });
});
