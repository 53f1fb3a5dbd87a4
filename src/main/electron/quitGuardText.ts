/**
 * The quit guard's words and choices, pure (no `electron`), so they are unit-tested in Node.
 */
import type { ProtectionView } from '../../shared/contract';

export type QuitChoice = 'keep' | 'native' | 'cancel' | 'stay';
const CHOICES: readonly QuitChoice[] = ['keep', 'native', 'cancel', 'stay'];
export const QUIT_BUTTONS = [
  'Keep resting orders and quit',
  'Move to the broker where it can, then quit',
  'Cancel protective orders and quit',
  "Don't quit",
] as const;

/** The dialog's button index as a choice; anything unexpected (Esc, a closed dialog) stays. */
export function choiceOf(response: number): QuitChoice {
  return CHOICES[response] ?? 'stay';
}

export function quitGuardDetail(active: readonly ProtectionView[]): string {
  const lines = active.map(
    (p) =>
      `• ${p.kind === 'oco' ? 'OCO' : p.kind === 'bracket' ? 'Bracket' : 'Trailing stop'} on ${p.symbol} (${p.connectionId})`,
  );
  return `${lines.join('\n')}\n\nWhile Peregrine is closed nothing trails a stop or cancels the other leg of a pair. Keeping leaves every resting order at the broker as it is now.`;
}
