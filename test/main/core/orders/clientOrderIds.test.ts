import { describe, expect, it } from 'vitest';
import {
  ClientOrderIds,
  childClientOrderId,
  isTerminalClientOrderId,
} from '../../../../src/main/core/orders/clientOrderIds';
import { ClientOrderId } from '../../../../src/shared/contract';

describe('client order ids', () => {
  it('are unique, at most 36 characters of [A-Za-z0-9_-] (Binance), and recognisable as ours', () => {
    let t = Date.UTC(2026, 11, 1);
    const ids = new ClientOrderIds(() => t);
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      if (i % 100 === 0) t += 1;
      const id = ids.next();
      expect(id).toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
      expect(ClientOrderId.safeParse(id).success).toBe(true);
      expect(isTerminalClientOrderId(id)).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(5_000);
  });

  it('derives child ids deterministically and within 36 characters', () => {
    const parent = new ClientOrderIds(() => Date.UTC(2026, 11, 1)).next();
    expect(childClientOrderId(parent, 'tp')).toBe(`${parent}-tp`);
    expect(childClientOrderId(parent, 'sl')).toBe(childClientOrderId(parent, 'sl'));
    expect(childClientOrderId(parent, 'sl').length).toBeLessThanOrEqual(36);
    expect(() => childClientOrderId(parent, 'Stop!')).toThrow();
    expect(() => childClientOrderId('x'.repeat(34), 'sl')).toThrow(/longer than 36/);
  });
});
