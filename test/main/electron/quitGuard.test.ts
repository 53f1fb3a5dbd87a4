import { describe, expect, it } from 'vitest';
import { choiceOf, QUIT_BUTTONS, quitGuardDetail } from '../../../src/main/electron/quitGuardText';

describe('quit guard text', () => {
  it('lists each active protection and says what keeping means', () => {
    const text = quitGuardDetail([
      {
        id: 'p1',
        kind: 'trailing',
        listType: null,
        connectionId: 'paper',
        symbol: 'ES',
        heldBy: 'terminal',
        status: 'active',
        note: null,
        orders: {},
      },
      {
        id: 'p2',
        kind: 'oco',
        listType: 'oco',
        connectionId: 'paper',
        symbol: 'NQ',
        heldBy: 'terminal',
        status: 'active',
        note: null,
        orders: {},
      },
    ]);
    expect(text).toContain('Trailing stop on ES (paper)');
    expect(text).toContain('OCO on NQ (paper)');
    expect(text).toMatch(/nothing trails a stop or cancels the other leg/i);
  });

  it('maps each button to its choice; anything else does not quit', () => {
    expect(QUIT_BUTTONS.map((_, i) => choiceOf(i))).toEqual(['keep', 'native', 'cancel', 'stay']);
    expect(choiceOf(-1)).toBe('stay');
    expect(choiceOf(9)).toBe('stay');
  });
});
