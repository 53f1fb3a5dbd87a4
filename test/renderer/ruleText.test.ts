import { describe, expect, it } from 'vitest';
import { ruleText } from '../../src/renderer/alerts/ruleText';
import { AlertRule } from '../../src/shared/alerts';

const text = (r: unknown) => ruleText(AlertRule.parse(r));

describe('rules in the trader’s words', () => {
  it('P&L, drawdown and price rules name the value, the direction and the re-arm band', () => {
    expect(text({ id: 'a', kind: 'pnl', direction: 'below', threshold: -500, hysteresis: 100 })).toBe(
      'Total P&L below -$500.00 (re-arms $100.00 back)',
    );
    expect(
      text({ id: 'b', kind: 'pnl', scope: 'position', symbol: 'ES', direction: 'above', threshold: 250 }),
    ).toBe('ES position P&L above +$250.00');
    expect(text({ id: 'c', kind: 'drawdown', amount: 300 })).toBe("Drawdown of $300.00 from the day's peak");
    expect(
      text({ id: 'd', kind: 'price', symbol: 'NQ', direction: 'above', level: 19500, hysteresis: 5 }),
    ).toBe('NQ above 19500 (re-arms 5 back)');
  });

  it('event rules', () => {
    expect(text({ id: 'e', kind: 'stale', seconds: 20 })).toBe('Feed silent for 20 s');
    expect(text({ id: 'f', kind: 'connection' })).toBe('Connection lost or recovered');
  });
});
