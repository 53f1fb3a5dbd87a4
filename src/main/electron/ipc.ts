/**
 * The one wrapper every command goes through: a handler per channel in src/shared/channels.ts,
 * each refusing callers that are not the main frame of our window on our `app://` origin
 * (`ipcGuard.ts`) before the engine, which parses the payload against the contract, sees anything.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import { allChannels } from '../../shared/channels';
import type { Engine } from '../core/engine';
import type { Logger } from '../core/log';
import { ClientBudget, DEFAULT_CLIENT_LIMITS } from '../host/clientLimits';
import { ThrottledLog } from '../host/throttledLog';
import { guardedHandler } from './ipcGuard';

/** Registers every channel; returns a function that removes them all again. */
export function registerIpc(
  engine: Pick<Engine, 'dispatch'>,
  getWindow: () => BrowserWindow | null,
  logger: Logger,
): () => void {
  // A hostile frame could call in a loop: the refusals are logged, but not one line each.
  const throttled = new ThrottledLog(logger);
  // One budget for the window, across channels: a runaway page cannot pile up engine work.
  const budget = new ClientBudget(DEFAULT_CLIENT_LIMITS);
  for (const channel of allChannels) {
    ipcMain.handle(
      channel,
      guardedHandler(channel, {
        // The ConnectionManager in practice: its own channels, the rest forwarded to the engine.
        dispatch: (c, payload) => engine.dispatch(c, payload),
        window: getWindow,
        rejected: (c) => throttled.warn('rejected IPC from an untrusted sender', { channel: c }),
        budget,
        refused: (c, why) => throttled.warn('IPC call refused', { channel: c, why }),
      }),
    );
  }
  return () => {
    for (const channel of allChannels) ipcMain.removeHandler(channel);
  };
}
