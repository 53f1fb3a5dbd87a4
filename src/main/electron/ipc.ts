/**
 * The one wrapper every command goes through: a handler per channel in src/shared/channels.ts,
 * each refusing callers that are not the main frame of our window on our `app://` origin before
 * the engine (which parses the payload against the contract) sees anything.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { allChannels } from '../../shared/channels';
import type { Engine } from '../core/engine';
import type { Logger } from '../core/log';
import { isAppUrl } from './appOrigin';

export class RejectedSenderError extends Error {
  constructor() {
    super('This call is only accepted from the Peregrine window.');
  }
}

export function isTrustedSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  if (frame === null || window === null || window.isDestroyed()) return false;
  return event.sender === window.webContents && frame === window.webContents.mainFrame && isAppUrl(frame.url);
}

/** Registers every channel; returns a function that removes them all again. */
export function registerIpc(
  engine: Pick<Engine, 'dispatch'>,
  getWindow: () => BrowserWindow | null,
  logger: Logger,
): () => void {
  for (const channel of allChannels) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!isTrustedSender(event, getWindow())) {
        logger.warn({ channel }, 'rejected IPC from an untrusted sender');
        throw new RejectedSenderError();
      }
      // The ConnectionManager in practice: its own channels, the rest forwarded to the engine.
      return engine.dispatch(channel, payload ?? {});
    });
  }
  return () => {
    for (const channel of allChannels) ipcMain.removeHandler(channel);
  };
}
