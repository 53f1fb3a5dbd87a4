/**
 * Trading hotkeys: the actions a key can trigger, how a key combination is written
 * ("Alt+Shift+F"), and the trader's bindings as saved in the workspace layout. Pure: the renderer
 * reads key events into combos, the settings document stores them, the contract validates them.
 */
import { z } from 'zod';

export const HotkeyAction = z.enum([
  'buyBid',
  'buyAsk',
  'buyMarket',
  'sellBid',
  'sellAsk',
  'sellMarket',
  'cancelAll',
  'flatten',
  'flattenAll',
  'reverse',
]);
export type HotkeyAction = z.infer<typeof HotkeyAction>;

/** Modifiers in a fixed order, then one key: "Ctrl+Alt+Shift+B", "Alt+1", "F9". */
export const KeyCombo = z
  .string()
  .max(40)
  .regex(/^(Ctrl\+)?(Alt\+)?(Shift\+)?(Meta\+)?[A-Za-z0-9]{1,10}$/, 'a key combination such as Alt+B');
export type KeyCombo = z.infer<typeof KeyCombo>;

export const HotkeySettings = z.strictObject({
  /** Action → combo; an action without a combo has no hotkey. */
  bindings: z.partialRecord(HotkeyAction, KeyCombo),
  /** Trading hotkeys act on live accounts only when the trader turned this on. */
  liveEnabled: z.boolean(),
});
export type HotkeySettings = z.infer<typeof HotkeySettings>;
