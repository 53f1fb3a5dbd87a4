/**
 * The quit guard: quitting while the terminal manages protection (an OCO it must cancel, a stop
 * it trails) asks the trader what to leave behind. Keep: the orders stay resting at the broker,
 * no longer managed (a trailing stop stays at its last level; both OCO legs rest, and either may
 * fill). Move to the broker: where the connection can hold it natively. Cancel: the protective
 * orders go. Or don't quit.
 */
import { type BrowserWindow, dialog } from 'electron';
import type { ProtectionView } from '../../shared/contract';
import { choiceOf, quitGuardDetail, QUIT_BUTTONS, type QuitChoice } from './quitGuardText';

export async function askQuitGuard(
  active: readonly ProtectionView[],
  window: BrowserWindow | null,
): Promise<QuitChoice> {
  const options = {
    type: 'warning' as const,
    title: 'Protection managed by Peregrine',
    message: `${active.length} protection${active.length === 1 ? ' is' : 's are'} managed by this terminal.`,
    detail: quitGuardDetail(active),
    buttons: [...QUIT_BUTTONS],
    defaultId: 0,
    cancelId: 3,
    noLink: true,
  };
  const r =
    window !== null && !window.isDestroyed()
      ? await dialog.showMessageBox(window, options)
      : await dialog.showMessageBox(options);
  return choiceOf(r.response);
}
