/**
 * Deny-by-default permissions, as a table: the page may do only what is listed as `allow`, and
 * only from our own origin. Anything Chromium asks about that is not in the table is denied.
 * Free of Electron at run time (types only), so the handlers are unit-tested with plain objects.
 */
import { isAppUrl, schemeOf } from './appOrigin';

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

/** The parts of an Electron `Session` the policy sets (a real `Session` is one). */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (
      webContents: { getURL(): string },
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string },
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string) => boolean,
  ): void;
  setDevicePermissionHandler(handler: () => boolean): void;
}

/**
 * Installs the table on `session`. `denied` hears each refused request (the permission name and
 * the requesting scheme only: a URL may carry a token).
 */
export function applyPermissionPolicy(
  session: PermissionSession,
  denied: (fields: { permission: string; scheme: string }) => void = () => undefined,
): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const url = details.requestingUrl ?? webContents.getURL();
    const allowed = isPermissionAllowed(permission, url);
    if (!allowed) denied({ permission: permission.slice(0, 40), scheme: schemeOf(url) });
    callback(allowed);
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
  // Device pickers (HID, serial, USB, Bluetooth) never get a device.
  session.setDevicePermissionHandler(() => false);
}
