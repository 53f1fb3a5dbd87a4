/**
 * The demo-exchange kind end to end, as a trader meets it: listed by the connection manager, saved
 * there (password into the real vault — the OS keychain under scripts/with-keyring.sh), read by a
 * profile with `{"keychain": true}`, and declared in `PEREGRINE_CONNECTIONS`; each goes live
 * against the simulator on loopback, delivers a verified account, streams the quotes the engine
 * subscribes to, and takes an order placed through the engine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_PASSWORD, DEMO_USER, demoExchange, type DemoExchange } from '../../../../../sim/demo-exchange';
import type { ConnectionsListing } from '../../../../../src/shared/contract';
import type { Order } from '../../../../../src/shared/domain';
import { openConnections } from '../../../../../src/main/core/connections';
import { openVault, type CredentialVault } from '../../../../../src/main/core/credentials';
import { Engine } from '../../../../../src/main/core/engine';
import { silentLogger } from '../../../../../src/main/core/log';
import { managerSession } from '../../connections/support';

let vault: CredentialVault;
let exchange: DemoExchange;
let endpoints: { url: string; market: string; rest: string };
let dir: string;
const engines: Engine[] = [];

beforeAll(async () => {
  vault = await openVault({
    logger: silentLogger(),
    service: 'Peregrine-test-demo-exchange',
    namespace: randomUUID(),
  });
  if (process.env.PEREGRINE_KEYRING === 'gnome-keyring') expect(vault.backend).toBe('keychain');
  exchange = demoExchange({ trading: { accountEveryMs: 200 } });
  const [trading, market] = await exchange.world.start();
  const marketUrl = market?.urls.find((u) => u.endsWith('/ws/market'));
  if (trading === undefined || marketUrl === undefined) throw new Error('demo exchange did not start');
  endpoints = { url: trading.url, market: marketUrl, rest: `${trading.httpUrl}/api` };
});

afterAll(async () => {
  await exchange.world.stop();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-demo-exchange-'));
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  await vault.delete('demo', 'password').catch(() => false);
  rmSync(dir, { recursive: true, force: true });
});

function started(engine: Engine): Engine {
  engines.push(engine);
  return engine;
}

/** Live, its account verified, quotes for the symbols it holds, and an order filled through the engine. */
async function liveAndTrading(engine: Engine, id: string): Promise<void> {
  await vi.waitFor(() => expect(engine.connection(id)?.health().state).toBe('live'), { timeout: 10_000 });
  await vi.waitFor(
    () =>
      expect(engine.snapshot().accounts.find((a) => a.connectionId === id)).toMatchObject({
        accountId: DEMO_USER,
        mode: 'demo',
        verified: true,
      }),
    { timeout: 10_000 },
  );
  const placed = (await engine.dispatch('term:orders.place', {
    connectionId: id,
    accountId: DEMO_USER,
    symbol: 'AAPL',
    side: 'buy',
    type: 'market',
    qty: 1,
  })) as { ok: true; value: Order } | { ok: false; error: unknown };
  if (!placed.ok) throw new Error(`order refused: ${JSON.stringify(placed.error)}`);
  const clientOrderId = placed.value.clientOrderId;
  await vi.waitFor(
    () =>
      expect(
        engine.snapshot().orders.find((o) => o.connectionId === id && o.clientOrderId === clientOrderId),
      ).toMatchObject({ status: 'filled', filledQty: 1, heldBy: 'broker' }),
    { timeout: 10_000 },
  );
  // The exchange has it under our client order id, and the engine's fill is the exchange's.
  const atExchange = [...exchange.world.account(DEMO_USER).orders.values()].find(
    (o) => o.clientOrderId === clientOrderId,
  );
  expect(atExchange?.status).toBe('filled');
  await vi.waitFor(
    () =>
      expect(engine.snapshot().fills.some((f) => f.connectionId === id && f.orderId === atExchange?.id)).toBe(
        true,
      ),
    { timeout: 10_000 },
  );
  // Holding AAPL puts it in the engine's interest: the connection subscribes and quotes flow.
  await vi.waitFor(
    () =>
      expect(engine.snapshot().quotes.some((q) => q.connectionId === id && q.symbol === 'AAPL')).toBe(true),
    { timeout: 10_000 },
  );
}

describe('demo-exchange: one folder plus one registry line', () => {
  it('is listed in the connection manager with its named endpoints, secret and option', async () => {
    const { engine } = await managerSession(dir, vault);
    started(engine);
    const listed = (await engine.dispatch('term:connections.list', {})) as {
      ok: true;
      value: ConnectionsListing;
    };
    const kind = listed.value.kinds.find((k) => k.kind === 'demo-exchange');
    expect(kind).toMatchObject({ available: true, builtIn: false, modes: ['demo'], defaultMode: 'demo' });
    expect(kind?.title).toMatch(/template/i);
    expect(kind?.fields.map((f) => [f.name, f.type])).toEqual([
      ['url', 'url'],
      ['market', 'url'],
      ['rest', 'url'],
      ['password', 'secret'],
      ['user', 'text'],
    ]);
  });

  it('saved in the manager, then read from the keychain by a profile: live, an account, an order filled', async () => {
    const first = await managerSession(dir, vault);
    started(first.engine);
    const saved = await first.engine.dispatch('term:connections.save', {
      id: 'demo',
      kind: 'demo-exchange',
      label: 'Demo exchange',
      mode: 'demo',
      fields: { url: endpoints.url, market: endpoints.market, rest: endpoints.rest, user: DEMO_USER },
      secrets: { password: DEMO_PASSWORD },
    });
    expect(saved).toMatchObject({ ok: true });
    await liveAndTrading(first.engine, 'demo');
    await first.engine.stop();

    const profileFile = join(dir, 'profile.json');
    writeFileSync(
      profileFile,
      JSON.stringify({
        connections: [
          {
            kind: 'demo-exchange',
            id: 'demo',
            label: 'Demo exchange (profile)',
            mode: 'demo',
            url: endpoints.url,
            urls: { market: endpoints.market, rest: endpoints.rest },
            options: { user: DEMO_USER },
            secrets: { password: { keychain: true } },
          },
        ],
      }),
    );
    const opened = await openConnections({
      dataDir: dir,
      logger: silentLogger(),
      vault,
      profileFile,
      env: {},
    });
    const engine = started(Engine.create({ logger: silentLogger(), paper: true, seed: 1 }));
    await engine.start();
    await opened.manager(engine).start();
    expect(engine.connection('demo')?.label).toBe('Demo exchange (profile)');
    await liveAndTrading(engine, 'demo');
  });

  it('declared in PEREGRINE_CONNECTIONS: live, an account, an order filled', async () => {
    const env = {
      PEREGRINE_CONNECTIONS: JSON.stringify([
        {
          kind: 'demo-exchange',
          id: 'demo-env',
          url: endpoints.url,
          urls: { market: endpoints.market, rest: endpoints.rest },
          user: DEMO_USER,
          secrets: { password: { env: 'DEMO_EXCHANGE_PASSWORD' } },
        },
      ]),
      DEMO_EXCHANGE_PASSWORD: DEMO_PASSWORD,
    };
    const opened = await openConnections({ dataDir: dir, logger: silentLogger(), vault, env });
    const engine = started(Engine.create({ logger: silentLogger(), paper: true, seed: 1 }));
    await engine.start();
    await opened.manager(engine).start();
    await liveAndTrading(engine, 'demo-env');
  });
});
