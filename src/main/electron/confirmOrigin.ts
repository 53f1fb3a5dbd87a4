/**
 * The Electron host's answer to the manager's `confirmNewOrigin`: a native dialog, owned by the
 * main process, asking the trader before a connection's credentials go to an address they have
 * not gone to before. The page can ask for a test or a save; only this dialog can allow it.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { ConfirmNewOrigin } from '../core/connections';

export function confirmNewOriginDialog(window: () => BrowserWindow | null): ConfirmNewOrigin {
  return async (request) => {
    const where = request.origins.join('\n');
    const options = {
      type: 'warning' as const,
      buttons: ['Cancel', request.purpose === 'test' ? 'Connect and test' : 'Save and connect'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
      title: 'Send credentials to a new address?',
      message: `Send the credentials of “${request.label}” to:\n${where}`,
      detail:
        'Peregrine has not sent this connection’s secrets there before. Continue only if you typed or trust this address.',
    };
    const parent = window();
    const { response } =
      parent === null || parent.isDestroyed()
        ? await dialog.showMessageBox(options)
        : await dialog.showMessageBox(parent, options);
    return response === 1;
  };
}
