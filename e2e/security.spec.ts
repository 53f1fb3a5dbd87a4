import { TOKEN_PARAM, WEB_SOCKET_PATH } from '../src/shared/wire';
import { expect, placeOrder, test, readSnapshot } from './fixtures';
import { upgradeStatus } from '../test/support/upgradeStatus';

test('the host prints its URL exactly once', async ({ host }) => {
  const lines = host
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('Peregrine web UI: '));
  expect(lines).toEqual([`Peregrine web UI: ${host.url}`]);
  expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
});

test('GET /status needs the token and reflects a UI order within a second', async ({ terminal, host }) => {
  const refused: Record<string, string>[] = [
    {},
    { Authorization: 'Bearer wrong-token-0123456789' },
    { Authorization: host.token },
  ];
  for (const headers of refused) {
    const res = await fetch(`${host.origin}/status`, { headers });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
  }
  expect((await host.status()).orders).toEqual([]);

  await placeOrder(terminal, { side: 'Buy', qty: 1, type: /^market$/i });
  await expect
    .poll(async () => (await host.status()).orders.length, { timeout: 1_000, intervals: [50] })
    .toBeGreaterThan(0);
});

test('the WebSocket refuses a wrong token and a foreign Origin', async ({ host }) => {
  const ws = (token: string) => `ws://127.0.0.1:${host.port}${WEB_SOCKET_PATH}?${TOKEN_PARAM}=${token}`;
  expect(await upgradeStatus(ws(host.token), host.origin)).toBe(101);
  expect(await upgradeStatus(ws('0'.repeat(64)), host.origin)).toBe(401);
  expect(await upgradeStatus(ws(''), host.origin)).toBe(401);
  expect(await upgradeStatus(ws(host.token), 'http://evil.example')).toBe(403);
  expect(await upgradeStatus(ws(host.token), `http://127.0.0.1:${host.port + 1}`)).toBe(403);
  expect(await upgradeStatus(ws(host.token), undefined)).toBe(403);
  // The good path still delivers a snapshot first.
  expect((await readSnapshot(host.origin, host.token)).kind).toBe('snapshot');
});

test('static files cannot be read outside the renderer', async ({ host }) => {
  for (const path of [
    '/../package.json',
    '/%2e%2e/package.json',
    '/..%2fpackage.json',
    '/assets/..%5c..%5cpackage.json',
  ]) {
    const res = await fetch(`${host.origin}${path}`);
    expect(res.status, path).toBe(404);
  }
  const index = await fetch(`${host.origin}/`);
  expect(index.status).toBe(200);
  expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(index.headers.get('content-security-policy')).toContain(`ws://127.0.0.1:${host.port}`);
});
