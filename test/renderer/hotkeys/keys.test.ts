/** Reading key combinations and refusing bindings that would clash or fire by accident. */
import { describe, expect, it } from 'vitest';
import { HotkeySettings } from '../../../src/shared/hotkeys';
import { actionFor, bindingProblem, comboOf, DEFAULT_HOTKEYS } from '../../../src/renderer/hotkeys/keys';

const key = (over: Partial<Parameters<typeof comboOf>[0]>) => ({
  key: '',
  code: '',
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...over,
});

describe('comboOf', () => {
  it('reads letters and digits from the physical key, modifiers in a fixed order', () => {
    // macOS reports Alt+B as "∫" and Shift+1 as "!": the physical key is what the trader pressed.
    expect(comboOf(key({ key: '∫', code: 'KeyB', altKey: true }))).toBe('Alt+B');
    expect(comboOf(key({ key: '!', code: 'Digit1', shiftKey: true, ctrlKey: true }))).toBe('Ctrl+Shift+1');
    expect(comboOf(key({ key: 'F9', code: 'F9' }))).toBe('F9');
  });
  it('waits while only a modifier is down', () => {
    expect(comboOf(key({ key: 'Alt', code: 'AltLeft', altKey: true }))).toBeNull();
  });
});

describe('bindingProblem', () => {
  it('refuses a combination another action has, naming it', () => {
    expect(bindingProblem(DEFAULT_HOTKEYS, 'reverse', 'Alt+B')).toBe(
      'Alt+B is already "Buy at market". Clear that one first.',
    );
  });
  it('refuses keys the terminal uses and bare letters', () => {
    expect(bindingProblem(DEFAULT_HOTKEYS, 'reverse', 'Ctrl+K')).toMatch(/instrument search/);
    expect(bindingProblem(DEFAULT_HOTKEYS, 'reverse', 'R')).toMatch(/add Alt or Ctrl/);
    expect(bindingProblem(DEFAULT_HOTKEYS, 'reverse', 'Shift+R')).toMatch(/add Alt or Ctrl/);
  });
  it('accepts a free modified key or an F key, and rebinding an action to its own key', () => {
    expect(bindingProblem(DEFAULT_HOTKEYS, 'reverse', 'Ctrl+Alt+R')).toBeNull();
    expect(bindingProblem(DEFAULT_HOTKEYS, 'reverse', 'F9')).toBeNull();
    expect(bindingProblem(DEFAULT_HOTKEYS, 'reverse', 'Alt+R')).toBeNull();
  });
});

describe('defaults', () => {
  it('are valid saved settings, off for live accounts, one action per key', () => {
    expect(HotkeySettings.parse(DEFAULT_HOTKEYS).liveEnabled).toBe(false);
    const combos = Object.values(DEFAULT_HOTKEYS.bindings);
    expect(new Set(combos).size).toBe(combos.length);
    expect(actionFor(DEFAULT_HOTKEYS, 'Alt+C')).toBe('cancelAll');
    expect(actionFor(DEFAULT_HOTKEYS, 'Alt+X')).toBeUndefined();
  });
});
