import { expect, it } from 'vitest';
import { secureWebPreferences } from '../../../src/main/electron/webPreferences';

it('creates windows sandboxed, isolated, without Node and with web security on', () => {
  expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
    preload: '/app/preload.cjs',
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
  });
});
