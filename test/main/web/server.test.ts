/**
 * The web host in-process against the real engine (paper market) and a real `ws` client on
 * loopback; backpressure against a scripted engine that can emit big batches on demand.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StatusReport } from '../../../src/shared/status';
import type { Batch, Snapshot, StreamMessage } from '../../../src/shared/stream';
import type { ServerFrame } from '../../../src/shared/wire';
import { Engine } from '../../../src/main/core/engine';
import { silentLogger } from '../../../src/main/core/log';
import { startWebHost, type WebHost } from '../../../src/main/web/server';
import { upgradeStatus } from '../../support/upgradeStatus';
import { ScriptedEngine } from './scriptedEngine';

const rendererDir = mkdtempSync(join(tmpdir(), 'peregrine-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Peregrine</title>');
// A link planted in the build folder, pointing at a file outside it.
const outsideDir = mkdtempSync(join(tmpdir(), 'peregrine-outside-'));
writeFileSync(join(outsideDir, 'id_ed25519'), 'PRIVATE KEY');
symlinkSync(join(outsideDir, 'id_ed25519'), join(rendererDir, 'key.txt'));

const hosts: WebHost[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

async function realHost(): Promise<WebHost> {
  const engine = Engine.create({ seed: 7, logger: silentLogger(), paper: true });
  await engine.start();
  engines.push(engine);
  const host = await startWebHost({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'peregrine-web-')),
    engine,
    rendererDir,
    logger: silentLogger(),
  });
  hosts.push(host);
  return host;
}

function socketUrl(host: WebHost, token = host.token): string {
  return `ws://127.0.0.1:${host.port}/ws?token=${token}`;
}

/** A client that records every frame and lets a test wait for one matching a predicate. */
class Client {
  readonly frames: ServerFrame[] = [];
  private waiters: Array<() => void> = [];
  readonly ws: WebSocket;
  constructor(url: string, origin: string) {
    this.ws = new WebSocket(url, { origin });
    this.ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }
  async waitFor<T extends ServerFrame>(match: (f: ServerFrame) => f is T): Promise<T> {
    for (;;) {
      const found = this.frames.find(match);
      if (found !== undefined) return found;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

const isResult =
  (id: number) =>
  (f: ServerFrame): f is Extract<ServerFrame, { t: 'result' | 'error' }> =>
    (f.t === 'result' || f.t === 'error') && f.id === id;
const isBatch = (f: ServerFrame): f is { t: 'stream'; message: Batch } =>
  f.t === 'stream' && (f.message as StreamMessage).kind === 'batch';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host', () => {
  it('listens on loopback with a 32-byte token in its URL', async () => {
    const host = await realHost();
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves /status only with the bearer token', async () => {
    const host = await realHost();
    const ok = await get(`${host.origin}/status`, { Authorization: `Bearer ${host.token}` });
    expect(ok.status).toBe(200);
    expect(StatusReport.safeParse(JSON.parse(ok.body)).success).toBe(true);
    const refusedHeaders: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer nope' },
      { Authorization: `Basic ${host.token}` },
    ];
    for (const headers of refusedHeaders) {
      const refused = await get(`${host.origin}/status`, headers);
      expect(refused).toEqual({ status: 401, body: '' });
    }
  });

  it('does not follow a link out of the renderer folder', async () => {
    const host = await realHost();
    expect(await get(`${host.origin}/key.txt`)).toMatchObject({ status: 404, body: '' });
  });

  it('answers only to its own Host header (no DNS rebinding)', async () => {
    const host = await realHost();
    expect((await get(`${host.origin}/`)).status).toBe(200);
    expect((await get(`${host.origin}/`, { Host: `evil.example:${host.port}` })).status).toBe(421);
  });

  it('serves the renderer with a strict CSP naming its own socket origin', async () => {
    const host = await realHost();
    const res = await fetch(`${host.origin}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses sockets with a wrong token or a foreign origin', async () => {
    const host = await realHost();
    expect(await upgradeStatus(socketUrl(host), host.origin)).toBe(101);
    expect(await upgradeStatus(socketUrl(host), `http://localhost:${host.port}`)).toBe(101);
    expect(await upgradeStatus(socketUrl(host, 'f'.repeat(64)), host.origin)).toBe(401);
    expect(await upgradeStatus(socketUrl(host), 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(socketUrl(host))).toBe(403);
    // The page's plain-HTTP probe tells a bad token from a host that is not up.
    expect((await get(`${host.origin}/ws?token=bad`)).status).toBe(401);
    expect((await get(socketUrl(host).replace(/^ws/, 'http'))).status).toBe(426);
  });

  it('sends a snapshot first, then batches that continue its seq', async () => {
    const host = await realHost();
    const client = new Client(socketUrl(host), host.origin);
    const batch = await client.waitFor(isBatch);
    const first = client.frames[0];
    expect(first?.t).toBe('stream');
    const snapshot = (first as { message: Snapshot }).message;
    expect(snapshot.kind).toBe('snapshot');
    expect(batch.message.seq).toBeGreaterThan(snapshot.seq);
    client.ws.close();
  });

  it('dispatches calls, returns errors as frames, and drops malformed frames', async () => {
    const host = await realHost();
    const client = new Client(socketUrl(host), host.origin);
    await client.opened();
    client.ws.send('not json');
    client.ws.send(JSON.stringify({ t: 'call', id: 'x', channel: 'term:stream.snapshot' }));
    client.ws.send(Buffer.from([1, 2, 3]));
    client.ws.send(JSON.stringify({ t: 'call', id: 1, channel: 'term:stream.snapshot', payload: {} }));
    client.ws.send(JSON.stringify({ t: 'call', id: 2, channel: 'term:nope', payload: {} }));
    client.ws.send(JSON.stringify({ t: 'call', id: 3, channel: 'term:orders.place', payload: { qty: -1 } }));

    const snap = await client.waitFor(isResult(1));
    expect(snap.t).toBe('result');
    expect((snap as { value: Snapshot }).value.kind).toBe('snapshot');
    expect((await client.waitFor(isResult(2))).t).toBe('error');
    const rejected = await client.waitFor(isResult(3));
    // A bad order is refused with a reason, whether as a failed Result or an error frame.
    expect(JSON.stringify(rejected)).toMatch(/"ok":false|"t":"error"/);
    expect(host.stats().malformedFrames).toBe(3);
    // The socket lives on after bad input.
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('closes client sockets on shutdown', async () => {
    const host = await realHost();
    const client = new Client(socketUrl(host), host.origin);
    await client.opened();
    const closed = new Promise<number>((r) => client.ws.once('close', (code) => r(code)));
    await host.close();
    expect(await closed).toBe(1001);
  });
});

describe('web host backpressure', () => {
  it('skips batches for a client that does not read, and the client sees the seq gap', async () => {
    const engine = new ScriptedEngine();
    const bound = 256 * 1024;
    const host = await startWebHost({
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'peregrine-web-')),
      engine,
      rendererDir,
      logger: silentLogger(),
      maxBufferedBytes: bound,
    });
    hosts.push(host);
    const client = new Client(socketUrl(host), host.origin);
    await client.waitFor((f): f is ServerFrame => f.t === 'stream');
    // Stop reading: the kernel buffers fill, then the host's send queue would grow without bound.
    const socket = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const sent = 200;
    for (let i = 0; i < sent; i++) engine.emit(128 * 1024);
    expect(host.stats().skippedBatches).toBeGreaterThan(0);

    socket.resume();
    // A call's result queues behind everything already buffered: once it arrives, the host's
    // queue for this client has drained, and the next batch goes through again.
    client.ws.send(JSON.stringify({ t: 'call', id: 99, channel: 'term:stream.snapshot', payload: {} }));
    await client.waitFor(isResult(99));
    const last = engine.seq;
    engine.emit(10);
    await client.waitFor((f): f is ServerFrame => isBatch(f) && f.message.seq === last + 1);
    const seqs = client.frames.filter(isBatch).map((f) => f.message.seq);
    expect(seqs.length).toBeLessThan(sent + 1);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(seqs.some((s, i) => i > 0 && s !== (seqs[i - 1] ?? s) + 1)).toBe(true);
    client.ws.close();
  });
});
