/** A client's budget: the trade journal's channels are expensive, and share one rate. */
import { describe, expect, it } from 'vitest';
import { ClientBudget, DEFAULT_CLIENT_LIMITS } from '../../../src/main/host/clientLimits';

describe('ClientBudget', () => {
  it('rate-limits the journal views and exports together', () => {
    const budget = new ClientBudget(
      // No refill: the outcome cannot depend on this machine's speed.
      { ...DEFAULT_CLIENT_LIMITS, journal: { burst: 2, perSecond: 1e-6 } },
      () => 0,
    );
    expect(budget.admit('term:journal.trades')).toBe('ok');
    expect(budget.admit('term:journal.exportCsv')).toBe('ok');
    expect(budget.admit('term:journal.trades')).toBe('rate limited');
    expect(budget.admit('term:journal.exportCsv')).toBe('rate limited');
    // Cheap channels are not held to it.
    expect(budget.admit('term:orders.cancel')).toBe('ok');
  });
});
