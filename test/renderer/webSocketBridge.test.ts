/**
 * The browser bridge against a real `ws` server on loopback speaking the web host's framing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { createWebBridge, type OpenSocket, type WebBridge } from '../../src/renderer/bridge/webSocketBridge';
import type { LinkStatus } from '../../src/renderer/bridge/linkState';
import { allChannels } from '../../src/shared/channels';
import { emptyBatch, type StreamMessage } from '../../src/shared/stream';
import { ClientFrame, type ServerFrame } from '../../src/shared/wire';

const wsSocket: OpenSocket = (url, h) => {
  const ws = new WebSocket(url);
  ws.onopen = () => h.onOpen();
  ws.onmessage = (ev) => h.onMessage(ev.data);
  ws.onclose = (ev) => h.onClose(ev.code, ev.reason);
  ws.onerror = () => undefined; // 'close' follows
  return {
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send: (d) => ws.send(d),
    close: (c, r) => ws.close(c, r),
  };
};

type Reply = (frame: ClientFrame) => ServerFrame | null;

async function startServer(
  port: number,
  reply: Reply,
): Promise<{ wss: WebSocketServer; port: number; calls: ClientFrame[] }> {
  const calls: ClientFrame[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const frame = ClientFrame.parse(JSON.parse(String(data)));
      calls.push(frame);
      const out = reply(frame);
      if (out) ws.send(JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  return { wss, port: (wss.address() as AddressInfo).port, calls };
}

function closeServer(wss: WebSocketServer): Promise<void> {
  for (const c of wss.clients) c.terminate();
  return new Promise((r) => wss.close(() => r()));
}

function waitLink(bridge: WebBridge, kind: LinkStatus['kind']): Promise<void> {
  return new Promise((resolve) => {
    if (bridge.link.get().kind === kind) return resolve();
    const off = bridge.link.subscribe(() => {
      if (bridge.link.get().kind === kind) {
        off();
        resolve();
      }
    });
  });
}

const snapshotValue = {
  kind: 'snapshot',
  seq: 3,
  sentAt: 1,
  instruments: [],
  quotes: [],
  orders: [],
  fills: [],
  positions: [],
  accounts: [],
  connections: [],
  bars: [],
};

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('web socket bridge', () => {
  it('exposes every channel as a verb and carries calls, results and errors', async () => {
    const server = await startServer(0, (f) => {
      if (f.channel === 'term:stream.snapshot') return { t: 'result', id: f.id, value: snapshotValue };
      if (f.channel === 'term:orders.cancel')
        return {
          t: 'result',
          id: f.id,
          value: { ok: false, error: { code: 'not_found', message: 'no such order' } },
        };
      return { t: 'error', id: f.id, message: `unsupported ${f.channel}` };
    });
    cleanup.push(() => closeServer(server.wss));
    const bridge = createWebBridge({ url: `ws://127.0.0.1:${server.port}/ws?token=t`, openSocket: wsSocket });
    cleanup.push(() => bridge.dispose());

    const generated = Object.entries(bridge.api)
      .filter(([ns]) => ns !== 'host' && ns !== 'events')
      .flatMap(([, group]) => Object.keys(group as object));
    expect(generated).toHaveLength(allChannels.length);

    await waitLink(bridge, 'open');
    const snap = await bridge.api.stream.snapshot({});
    expect(snap.seq).toBe(3);
    const cancel = await bridge.api.orders.cancel({ connectionId: 'p', orderId: 'x' });
    expect(cancel).toEqual({ ok: false, error: { code: 'not_found', message: 'no such order' } });
    await expect(bridge.api.connections.reconnect({ id: 'p' })).rejects.toThrow(
      'unsupported term:connections.reconnect',
    );
    expect(server.calls.map((c) => c.channel)).toEqual([
      'term:stream.snapshot',
      'term:orders.cancel',
      'term:connections.reconnect',
    ]);
  });

  it('delivers stream messages and drops malformed frames without dying', async () => {
    const server = await startServer(0, (f) => ({ t: 'result', id: f.id, value: snapshotValue }));
    cleanup.push(() => closeServer(server.wss));
    const bridge = createWebBridge({ url: `ws://127.0.0.1:${server.port}/ws?token=t`, openSocket: wsSocket });
    cleanup.push(() => bridge.dispose());
    const got: StreamMessage[] = [];
    const twoMessages = new Promise<void>((resolve) =>
      bridge.api.events.subscribe((m) => {
        got.push(m);
        if (got.length === 2) resolve();
      }),
    );
    await waitLink(bridge, 'open');
    const [client] = [...server.wss.clients];
    client?.send('not json');
    client?.send(JSON.stringify({ t: 'stream', message: { kind: 'snapshot', seq: 'x' } }));
    client?.send(JSON.stringify({ t: 'stream', message: snapshotValue }));
    client?.send(JSON.stringify({ t: 'stream', message: emptyBatch(4, 2) }));
    await twoMessages;
    expect(got.map((m) => `${m.kind}:${m.seq}`)).toEqual(['snapshot:3', 'batch:4']);
    expect(bridge.stats.malformedFrames).toBe(2);
  });

  it('reconnects after the host restarts and rejects calls that were in flight', async () => {
    let answer = true;
    const first = await startServer(0, (f) =>
      answer ? { t: 'result', id: f.id, value: snapshotValue } : null,
    );
    const port = first.port;
    const bridge = createWebBridge({
      url: `ws://127.0.0.1:${port}/ws?token=t`,
      openSocket: wsSocket,
      backoff: { baseMs: 20, capMs: 100 },
    });
    cleanup.push(() => bridge.dispose());
    await waitLink(bridge, 'open');

    answer = false;
    const inFlight = bridge.api.stream.snapshot({});
    const reconnecting = waitLink(bridge, 'reconnecting');
    await closeServer(first.wss);
    await expect(inFlight).rejects.toThrow(/unknown/);
    await reconnecting;
    await expect(bridge.api.stream.snapshot({})).rejects.toThrow(/nothing was sent/);

    answer = true;
    const second = await startServer(port, (f) =>
      answer ? { t: 'result', id: f.id, value: snapshotValue } : null,
    );
    cleanup.push(() => closeServer(second.wss));
    await waitLink(bridge, 'open');
    expect((await bridge.api.stream.snapshot({})).seq).toBe(3);
  });

  it('reports a rejected token (policy-violation close) instead of retrying', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) => ws.close(1008, 'bad token'));
    cleanup.push(() => closeServer(wss));
    const bridge = createWebBridge({
      url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws?token=bad`,
      openSocket: wsSocket,
    });
    cleanup.push(() => bridge.dispose());
    await waitLink(bridge, 'rejected');
    expect(bridge.link.get()).toEqual({ kind: 'rejected', reason: 'bad token' });
  });

  it('asks the probe when the socket never opens, and stops on 401', async () => {
    // A port with nothing listening: the upgrade fails like a refused token would.
    const probe = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => probe.once('listening', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await closeServer(probe);
    let probed = 0;
    const bridge = createWebBridge({
      url: `ws://127.0.0.1:${port}/ws?token=bad`,
      openSocket: wsSocket,
      probeRejected: () => {
        probed++;
        return Promise.resolve(true);
      },
    });
    cleanup.push(() => bridge.dispose());
    await waitLink(bridge, 'rejected');
    expect(probed).toBe(1);
  });
});
