/**
 * Checklist §5, permission handlers: the deny-by-default table as installed on a session, driven
 * through the handlers it registers with plain objects in place of Electron's session.
 */
import { describe, expect, it } from 'vitest';
import {
  applyPermissionPolicy,
  isPermissionAllowed,
  permissionTable,
  type PermissionSession,
} from '../../../src/main/electron/permissions';

type Handlers = {
  request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0];
  check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0];
  device?: Parameters<PermissionSession['setDevicePermissionHandler']>[0];
};

function installed() {
  const handlers: Handlers = {};
  const denied: Array<{ permission: string; scheme: string }> = [];
  const session: PermissionSession = {
    setPermissionRequestHandler: (h) => (handlers.request = h),
    setPermissionCheckHandler: (h) => (handlers.check = h),
    setDevicePermissionHandler: (h) => (handlers.device = h),
  };
  applyPermissionPolicy(session, (fields) => denied.push(fields));
  const request = (permission: string, requestingUrl?: string, pageUrl = 'app://peregrine/index.html') => {
    let granted: boolean | undefined;
    handlers.request?.({ getURL: () => pageUrl }, permission, (g) => (granted = g), {
      ...(requestingUrl === undefined ? {} : { requestingUrl }),
    });
    return granted;
  };
  return { handlers, denied, request };
}

describe('permission handlers', () => {
  it('grant only what the table allows, and only to our own origin', () => {
    const { request, denied } = installed();
    expect(request('clipboard-sanitized-write', 'app://peregrine/index.html')).toBe(true);
    expect(request('clipboard-sanitized-write', 'https://evil.example/?token=abc')).toBe(false);
    expect(request('clipboard-sanitized-write', 'app://other/')).toBe(false);
    // The page URL stands in when the request names none.
    expect(request('clipboard-sanitized-write')).toBe(true);
    expect(request('clipboard-sanitized-write', undefined, 'https://evil.example/')).toBe(false);
    // Only the scheme is logged: the URL's query may carry a token.
    expect(denied).toContainEqual({ permission: 'clipboard-sanitized-write', scheme: 'https:' });
    expect(JSON.stringify(denied)).not.toContain('token=abc');
  });

  it.each([
    ...Object.keys(permissionTable).filter((p) => permissionTable[p] === 'deny'),
    'a-permission-chromium-adds-later',
  ])('deny %s even to our own page', (permission) => {
    const { request, handlers } = installed();
    expect(request(permission, 'app://peregrine/index.html')).toBe(false);
    expect(handlers.check?.({}, permission, 'app://peregrine')).toBe(false);
  });

  it('answer permission checks by the same table', () => {
    const { handlers } = installed();
    expect(handlers.check?.({}, 'clipboard-sanitized-write', 'app://peregrine')).toBe(true);
    expect(handlers.check?.({}, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(isPermissionAllowed('notifications', 'app://peregrine/')).toBe(false);
  });

  it('never hand a device (HID, serial, USB, Bluetooth) to the page', () => {
    expect(installed().handlers.device?.()).toBe(false);
  });
});
