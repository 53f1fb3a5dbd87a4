/**
 * Deny-by-default permissions, as a table: the page may do only what is listed as `allow`, and
 * only from our own origin. Anything Chromium asks about that is not in the table is denied.
 */
import type { Session } from 'electron';
import { isAppUrl } from './appOrigin';

type Decision = 'allow' | 'deny';

/** Why each is what it is: the terminal UI needs only to copy ids and figures to the clipboard. */
export const permissionTable: Readonly<Record<string, Decision>> = {
  'clipboard-sanitized-write': 'allow',
  'clipboard-read': 'deny',
  notifications: 'deny', // native notifications come from the main process, not the page
  media: 'deny',
  geolocation: 'deny',
  midi: 'deny',
  midiSysex: 'deny',
  pointerLock: 'deny',
  fullscreen: 'deny',
  openExternal: 'deny', // links go through openExternal.ts
  'display-capture': 'deny',
  'window-management': 'deny',
  hid: 'deny',
  serial: 'deny',
  usb: 'deny',
  'idle-detection': 'deny',
  'storage-access': 'deny',
};

export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return permissionTable[permission] === 'allow' && isAppUrl(requestingUrl);
}

export function applyPermissionPolicy(session: Session): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? webContents.getURL()));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
  // Device pickers (HID, serial, USB, Bluetooth) never get a device.
  session.setDevicePermissionHandler(() => false);
}
