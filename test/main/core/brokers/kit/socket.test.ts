/** openSocket against real loopback servers: refusals, hangs, early frames, oversized frames, our close. */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { type BrokerSocket, openSocket, openSockets } from '../../../../../src/main/core/brokers/kit/socket';
import type { CloseInfo } from '../../../../../src/main/core/supervisor/link';
import { LinkError } from '../../../../../src/main/core/supervisor/link';
import { until } from '../../supervisor/support';

type Upgrade = (socket: Socket, accept: (onOpen: (ws: ServerSocket, raw: Socket) => void) => void) => void;

let server: Server | null = null;
const held: Socket[] = [];
afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  const s = server;
  server = null;
  if (s !== null) await new Promise<void>((r) => s.close(() => r()));
});

/** A loopback server whose upgrade handling the test scripts. */
async function serve(onUpgrade: Upgrade): Promise<string> {
  const wss = new WebSocketServer({ noServer: true });
  const s = createServer();
  s.on('upgrade', (req, socket: Socket, head: Buffer) => {
    held.push(socket);
    // A listener the test prepended already answered this upgrade.
    if (socket.writableEnded) return;
    onUpgrade(socket, (onOpen) => wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, socket)));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  server = s;
  const addr = s.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return `ws://127.0.0.1:${addr.port}/ws`;
}

async function refusal(p: Promise<unknown>): Promise<LinkError> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof LinkError)) throw new Error(`expected a LinkError, got ${String(err)}`);
  return err;
}

function collect(socket: BrokerSocket) {
  const got = { frames: [] as string[], closed: null as CloseInfo | null, oversized: 0 };
  socket.attach({
    message: (data) => got.frames.push(data.toString('utf8')),
    oversized: () => {
      got.oversized += 1;
    },
    error: () => undefined,
    closed: (info) => {
      got.closed = info;
    },
  });
  return got;
}

describe('openSocket', () => {
  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [429, 'capacity'],
    [503, 'capacity'],
    [500, 'network'],
  ] as const)('maps an upgrade refused with HTTP %i to a %s failure', async (status, kind) => {
    const url = await serve((socket) => socket.end(`HTTP/1.1 ${status} No\r\nContent-Length: 0\r\n\r\n`));
    const err = await refusal(openSocket(url, {}, new AbortController().signal));
    expect(err.kind).toBe(kind);
    expect(err.message).toBe(`upgrade refused: HTTP ${status}`);
  });

  it('sends the headers on the upgrade and aborts an upgrade that never answers', async () => {
    let cookie: string | undefined;
    const url = await serve(() => undefined);
    server?.prependListener('upgrade', (req) => {
      cookie = req.headers.cookie;
    });
    const abort = new AbortController();
    const p = refusal(openSocket(url, { headers: { Cookie: 'session=s1' } }, abort.signal));
    await until(() => cookie !== undefined, 'the upgrade to reach the server');
    expect(cookie).toBe('session=s1');
    abort.abort();
    const err = await p;
    expect([err.kind, err.message]).toEqual(['network', 'connect aborted']);
  });

  it('keeps frames and the close that arrive before attach() and delivers them in order', async () => {
    const url = await serve((_s, accept) =>
      accept((ws) => {
        ws.send('one');
        ws.send('two');
        ws.close(1001, 'going away');
      }),
    );
    const socket = await openSocket(url, {}, new AbortController().signal);
    await until(() => socket.closed, 'everything to arrive before attach');
    const got = collect(socket);
    expect(got.frames).toEqual(['one', 'two']);
    expect(got.closed).toEqual({ code: 1001, reason: 'going away' });
  });

  it('closes 1009 on a frame above maxPayload, before buffering it, and says so', async () => {
    const url = await serve((_s, accept) => accept((ws) => ws.send('x'.repeat(4096))));
    const socket = await openSocket(url, { maxPayload: 1024 }, new AbortController().signal);
    const got = collect(socket);
    await until(() => got.closed !== null, 'close');
    expect(got.oversized).toBe(1);
    expect(got.closed).toEqual({ code: 1009, reason: 'frame too large' });
    expect(got.frames).toEqual([]);
  });

  it('remembers our own close code when the peer never answers the close frame', async () => {
    const url = await serve((_s, accept) =>
      // The server dies on the first inbound byte: our close frame is never echoed (ws says 1006).
      accept((_ws, raw) => raw.prependListener('data', () => raw.destroy())),
    );
    const socket = await openSocket(url, {}, new AbortController().signal);
    const got = collect(socket);
    socket.close(4000, 'rotated');
    await until(() => got.closed !== null, 'close');
    expect(got.closed).toEqual({ code: 4000, reason: 'rotated' });
  });

  it('openSockets: all legs of a link or none; a refused leg terminates the open ones', async () => {
    let openedAtServer = 0;
    let closedAtServer = 0;
    const ok = await serve((_s, accept) =>
      accept((ws) => {
        openedAtServer += 1;
        ws.on('close', () => {
          closedAtServer += 1;
        });
      }),
    );
    const both = await openSockets({ trading: { url: ok }, md: { url: ok } }, new AbortController().signal);
    expect(Object.keys(both).sort()).toEqual(['md', 'trading']);
    both.trading.terminate();
    both.md.terminate();
    await until(() => closedAtServer === 2, 'both legs closed');
    const refusing = ok.replace('/ws', '/nope');
    server?.prependListener('upgrade', (req, socket: Socket) => {
      if (req.url === '/nope') socket.end('HTTP/1.1 401 No\r\nContent-Length: 0\r\n\r\n');
    });
    const err = await refusal(
      openSockets({ trading: { url: ok }, md: { url: refusing } }, new AbortController().signal),
    );
    expect(err.kind).toBe('auth');
    await until(() => openedAtServer === 3 && closedAtServer === 3, 'the open leg terminated');
  });
  it('reports server pings to the link (Binance pings and sends nothing else) and answers them', async () => {
    let pongs = 0;
    const url = await serve((_s, accept) =>
      accept((ws) => {
        ws.on('pong', (data: Buffer) => {
          if (data.toString() === 'p1') pongs += 1;
        });
        ws.ping('p1');
      }),
    );
    const socket = await openSocket(url, {}, new AbortController().signal);
    const pings: string[] = [];
    socket.attach({
      message: () => undefined,
      oversized: () => undefined,
      error: () => undefined,
      closed: () => undefined,
      ping: (data) => pings.push(data.toString()),
    });
    await until(() => pings.length === 1 && pongs === 1, 'ping seen and answered with its payload');
    socket.terminate();
  });
});
