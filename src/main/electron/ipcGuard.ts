/**
 * The decision behind every IPC handler, kept free of Electron at run time (types only) so it is
 * unit-tested with plain objects: a call is served only when it comes from the main frame of our
 * window, on our `app://` origin. Sub-frames, other windows, a destroyed window, a frame that
 * navigated elsewhere, or no frame at all are refused before the engine sees anything.
 */
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { Channel } from '../../shared/channels';
import { REFUSAL_TEXT, type ClientBudget } from '../host/clientLimits';
import { isAppUrl } from './appOrigin';

/** The parts of an invoke event the check reads. */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;
/** The parts of our window the check reads. */
export type TrustedWindow = Pick<BrowserWindow, 'isDestroyed' | 'webContents'>;

export class RejectedSenderError extends Error {
  constructor() {
    super('This call is only accepted from the Peregrine window.');
  }
}

export function isTrustedSender(event: SenderEvent, window: TrustedWindow | null): boolean {
  const frame = event.senderFrame;
  if (frame === null || window === null || window.isDestroyed()) return false;
  return event.sender === window.webContents && frame === window.webContents.mainFrame && isAppUrl(frame.url);
}

export interface GuardDeps {
  dispatch(channel: string, payload: unknown): Promise<unknown>;
  window(): TrustedWindow | null;
  /** Called with the channel only: the payload of a refused call is never looked at. */
  rejected(channel: Channel): void;
  /**
   * The window's call budget (calls in flight, snapshot and chart-history rates), the same limits
   * the web host applies per client; shared by every channel's handler.
   */
  budget?: ClientBudget;
  /** Called when the budget refuses a call. */
  refused?(channel: Channel, why: 'busy' | 'rate limited'): void;
}

/** The handler `ipcMain.handle(channel, …)` gets: sender check first, then the engine. */
export function guardedHandler(
  channel: Channel,
  deps: GuardDeps,
): (event: SenderEvent, payload: unknown) => Promise<unknown> {
  return async (event, payload) => {
    if (!isTrustedSender(event, deps.window())) {
      deps.rejected(channel);
      throw new RejectedSenderError();
    }
    const admission = deps.budget?.admit(channel) ?? 'ok';
    if (admission !== 'ok') {
      deps.refused?.(channel, admission);
      throw new Error(REFUSAL_TEXT[admission]);
    }
    try {
      // The engine (through the ConnectionManager) parses the payload against the contract.
      return await deps.dispatch(channel, payload ?? {});
    } finally {
      deps.budget?.done();
    }
  };
}
