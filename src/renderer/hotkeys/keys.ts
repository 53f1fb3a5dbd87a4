/**
 * Key combinations as the trader sees them ("Alt+Shift+F"), read from keyboard events, the
 * default bindings, and the checks a new binding must pass. Pure, so it is unit-tested directly.
 */
import { HotkeyAction, KeyCombo, type HotkeySettings } from '../../shared/hotkeys';

/** What each action does, in the trader's words (the help overlay and settings list these). */
export const ACTION_TEXT: Record<HotkeyAction, string> = {
  buyBid: 'Buy limit at the bid',
  buyAsk: 'Buy limit at the ask',
  buyMarket: 'Buy at market',
  sellBid: 'Sell limit at the bid',
  sellAsk: 'Sell limit at the ask',
  sellMarket: 'Sell at market',
  cancelAll: 'Cancel all working orders on the symbol',
  flatten: 'Flatten the symbol (cancel its orders, close the position)',
  flattenAll: 'Flatten everything on the account',
  reverse: 'Reverse the position',
};

/** Actions that send or cancel orders; all of them do, so all are gated on live accounts. */
export const ACTIONS = HotkeyAction.options;

/** Alt combinations: a bare letter is too easy to hit while the focus is somewhere unexpected. */
export const DEFAULT_HOTKEYS: HotkeySettings = {
  bindings: {
    buyBid: 'Alt+1',
    buyAsk: 'Alt+2',
    buyMarket: 'Alt+B',
    sellBid: 'Alt+3',
    sellAsk: 'Alt+4',
    sellMarket: 'Alt+S',
    cancelAll: 'Alt+C',
    flatten: 'Alt+F',
    flattenAll: 'Alt+Shift+F',
    reverse: 'Alt+R',
  },
  liveEnabled: false,
};

/** Keys the terminal itself uses; a hotkey on one of them would take it away. */
const RESERVED: Record<string, string> = {
  Tab: 'moves the focus',
  Enter: 'submits and confirms',
  Escape: 'closes dialogs',
  'Ctrl+K': 'opens instrument search',
  'Shift+Slash': 'opens the hotkey help',
};

interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

/**
 * The combo a key event means, or null for a lone modifier. Letters and digits are read from the
 * physical key (`code`): with Alt held, macOS reports "∫" for B, and Shift turns 1 into "!".
 */
export function comboOf(e: KeyLike): string | null {
  let key: string;
  if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (/^F([1-9]|1[0-2])$/.test(e.key)) key = e.key;
  else if (e.code === 'Slash') key = 'Slash';
  else if (['Tab', 'Enter', 'Escape'].includes(e.key)) key = e.key;
  else return null;
  return `${e.ctrlKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.shiftKey ? 'Shift+' : ''}${e.metaKey ? 'Meta+' : ''}${key}`;
}

/** Why the combo cannot be bound to the action, in words, or null when it can. */
export function bindingProblem(settings: HotkeySettings, action: HotkeyAction, combo: string): string | null {
  const reserved = RESERVED[combo];
  if (reserved !== undefined) return `${combo} is taken: it ${reserved}.`;
  if (!KeyCombo.safeParse(combo).success) return `${combo} cannot be used as a hotkey.`;
  if (!/(Ctrl|Alt|Meta)\+/.test(combo) && !/^F\d+$/.test(combo.replace('Shift+', '')))
    return `${combo} alone would fire while you work elsewhere: add Alt or Ctrl, or use an F key.`;
  for (const other of ACTIONS) {
    if (other !== action && settings.bindings[other] === combo)
      return `${combo} is already "${ACTION_TEXT[other]}". Clear that one first.`;
  }
  return null;
}

/** The action bound to a combo, if any. */
export function actionFor(settings: HotkeySettings, combo: string): HotkeyAction | undefined {
  return ACTIONS.find((a) => settings.bindings[a] === combo);
}

/** Typing in a field, a list box or an editable area never triggers a trade. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}
