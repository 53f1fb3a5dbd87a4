/**
 * Base of every simulator: an HTTP server on loopback with a WebSocket endpoint, a fault pipeline
 * on every outbound frame, and a control endpoint (`GET|POST|DELETE /__faults`) so a manual run or
 * an e2e test can break the connection from outside the process. Protocol simulators extend it and
 * implement `authorize`, `onOpen`, `onMessage` and their HTTP routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { Fault, type FaultInput } from './faults';

export interface SimAddress {
  /** WebSocket URL of the protocol endpoint. */
  url: string;
  /** Base HTTP URL (REST and admin endpoints). */
  httpUrl: string;
  /** Fault control endpoint. */
  controlUrl: string;
  port: number;
}

export interface SimClient<Meta> {
  readonly id: number;
  readonly ws: WebSocket;
  readonly socket: Socket;
  readonly openedAt: number;
  meta: Meta;
  /** Stopped reading and writing (half-open fault). */
  halfOpen: boolean;
  /** Outbound frames waiting on the throttle. */
  queue: (string | Buffer)[];
  sentThisSecond: number;
  second: number;
}

/** What an upgrade request turns into: accepted with metadata, or closed right after the upgrade. */
export type Authorization<Meta> = { ok: true; meta: Meta } | { ok: false; code: number; reason: string };

export interface SimOptions {
  name: string;
  /** Path of the WebSocket endpoint, e.g. `/ws/portfolio`. */
  wsPath: string;
  port?: number;
  host?: string;
}

interface CountedFaults {
  corrupt: number;
  truncate: number;
  binary: number;
  oversized: number;
  oversizedBytes: number;
  duplicate: number;
  reorder: number;
}

export abstract class SimServer<Meta> {
  readonly name: string;
  protected readonly clients = new Map<number, SimClient<Meta>>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private server: Server | null = null;
  private readonly opts: SimOptions;
  private port: number;
  private nextId = 1;
  private readonly hung = new Set<Socket>();
  private readonly sockets = new Set<Socket>();
  private counted: CountedFaults = emptyCounted();
  private reorderBuffer: { client: SimClient<Meta>; frame: string | Buffer }[] = [];
  private delayMs = 0;
  private throttle: number | null = null;
  private refuse: number | null = null;
  private hang: number | null = null;
  private throttleTimer: ReturnType<typeof setInterval> | null = null;
  /** Faults applied so far, newest last (for tests and the control endpoint). */
  readonly applied: Fault[] = [];
  /** Total frames sent to clients. */
  framesSent = 0;

  constructor(opts: SimOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.port = opts.port ?? 0;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async start(): Promise<SimAddress> {
    if (this.server !== null) return this.address();
    const server = createServer((req, res) => this.http(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (addr !== null && typeof addr === 'object') this.port = addr.port;
    this.server = server;
    this.throttleTimer = setInterval(() => this.drainThrottled(), 50);
    this.onStart();
    return this.address();
  }

  /** Stop listening and destroy every socket abruptly (a crashed or killed server). Restart with `start()` on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.onStop();
    if (this.throttleTimer !== null) clearInterval(this.throttleTimer);
    this.throttleTimer = null;
    for (const c of this.clients.values()) c.ws.terminate();
    this.clients.clear();
    for (const s of this.sockets) s.destroy();
    this.hung.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get running(): boolean {
    return this.server !== null;
  }

  address(): SimAddress {
    const host = this.opts.host ?? '127.0.0.1';
    const httpUrl = `http://${host}:${this.port}`;
    return {
      url: `ws://${host}:${this.port}${this.opts.wsPath}`,
      httpUrl,
      controlUrl: `${httpUrl}/__faults`,
      port: this.port,
    };
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Upgrades being held open by the `hang` fault. */
  get hungCount(): number {
    return this.hung.size;
  }

  // ---- faults --------------------------------------------------------------------------------

  /** Apply a fault now. Same vocabulary as `POST /__faults`. */
  fault(input: FaultInput): Fault {
    const fault = Fault.parse(input);
    this.applied.push(fault);
    switch (fault.kind) {
      case 'drop':
        for (const c of this.clients.values()) c.ws.terminate();
        break;
      case 'half-open':
        for (const c of this.clients.values()) {
          c.halfOpen = true;
          // Stop reading: nothing the peer sends is processed, not even protocol pings.
          c.socket.pause();
        }
        break;
      case 'close':
        for (const c of this.clients.values()) c.ws.close(fault.code, fault.reason);
        break;
      case 'delay':
        this.delayMs = fault.ms;
        break;
      case 'throttle':
        this.throttle = fault.messagesPerSec;
        break;
      case 'corrupt':
      case 'truncate':
      case 'binary':
      case 'duplicate':
      case 'reorder':
        this.counted[fault.kind] += fault.count;
        break;
      case 'oversized':
        this.counted.oversized += fault.count;
        this.counted.oversizedBytes = fault.bytes;
        break;
      case 'refuse':
        this.refuse = fault.count ?? Number.POSITIVE_INFINITY;
        break;
      case 'hang':
        this.hang = fault.count ?? Number.POSITIVE_INFINITY;
        break;
      case 'expire-credentials':
        this.expireCredentials();
        break;
      case 'inject':
        for (const c of this.clients.values())
          this.write(c, fault.binary ? Buffer.from(fault.frame) : fault.frame);
        break;
    }
    return fault;
  }

  /** Clear persistent and pending faults; half-open sockets stay dead (as they would in life). */
  clearFaults(): void {
    this.counted = emptyCounted();
    this.delayMs = 0;
    this.throttle = null;
    this.refuse = null;
    this.hang = null;
    for (const { client, frame } of this.reorderBuffer) this.write(client, frame);
    this.reorderBuffer = [];
  }

  activeFaults(): Record<string, unknown> {
    return {
      ...this.counted,
      delayMs: this.delayMs,
      throttle: this.throttle,
      refuse: this.refuse === Number.POSITIVE_INFINITY ? 'all' : this.refuse,
      hang: this.hang === Number.POSITIVE_INFINITY ? 'all' : this.hang,
    };
  }

  // ---- for subclasses ------------------------------------------------------------------------

  protected abstract authorize(req: IncomingMessage): Authorization<Meta>;
  protected abstract onOpen(client: SimClient<Meta>): void;
  protected abstract onMessage(client: SimClient<Meta>, data: Buffer, isBinary: boolean): void;
  protected onClose(_client: SimClient<Meta>, _code: number): void {}
  /** Protocol HTTP routes; return false to fall through to 404. */
  protected route(_req: IncomingMessage, _res: ServerResponse): boolean {
    return false;
  }
  protected onStart(): void {}
  protected onStop(): void {}
  /** Protocol-specific effect of the `expire-credentials` fault. */
  protected expireCredentials(): void {}

  /** Send one frame to a client through the fault pipeline. */
  protected send(client: SimClient<Meta>, frame: string): void {
    if (client.halfOpen || client.ws.readyState !== WebSocket.OPEN) return;
    let out: string | Buffer = frame;
    if (this.counted.corrupt > 0) {
      this.counted.corrupt -= 1;
      out = `{"type":${frame.slice(8, 40)}\u0000garbage`;
    } else if (this.counted.truncate > 0) {
      this.counted.truncate -= 1;
      out = frame.slice(0, Math.max(1, Math.floor(frame.length / 2)));
    } else if (this.counted.binary > 0) {
      this.counted.binary -= 1;
      out = Buffer.from([0xff, 0x00, 0x9c, 0x42, ...Buffer.from(frame.slice(0, 16))]);
    } else if (this.counted.oversized > 0) {
      this.counted.oversized -= 1;
      out = `{"type":"batch","pad":"${'x'.repeat(this.counted.oversizedBytes)}"}`;
    }
    if (this.counted.reorder > 0) {
      this.counted.reorder -= 1;
      this.reorderBuffer.push({ client, frame: out });
      if (this.counted.reorder === 0) {
        const burst = this.reorderBuffer.reverse();
        this.reorderBuffer = [];
        for (const b of burst) this.write(b.client, b.frame);
      }
      return;
    }
    this.write(client, out);
    if (this.counted.duplicate > 0) {
      this.counted.duplicate -= 1;
      this.write(client, out);
    }
  }

  protected clientsWhere(pred: (c: SimClient<Meta>) => boolean): SimClient<Meta>[] {
    return [...this.clients.values()].filter(pred);
  }

  // ---- internals -----------------------------------------------------------------------------

  private write(client: SimClient<Meta>, frame: string | Buffer): void {
    if (this.delayMs > 0) {
      const ms = this.delayMs;
      setTimeout(() => this.writeNow(client, frame), ms);
      return;
    }
    this.writeNow(client, frame);
  }

  private writeNow(client: SimClient<Meta>, frame: string | Buffer): void {
    if (client.halfOpen || client.ws.readyState !== WebSocket.OPEN) return;
    if (this.throttle !== null) {
      const second = Math.floor(Date.now() / 1000);
      if (second !== client.second) {
        client.second = second;
        client.sentThisSecond = 0;
      }
      if (client.queue.length > 0 || client.sentThisSecond >= this.throttle) {
        client.queue.push(frame);
        return;
      }
      client.sentThisSecond += 1;
    }
    this.framesSent += 1;
    client.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  private drainThrottled(): void {
    for (const c of this.clients.values()) {
      if (c.queue.length === 0) continue;
      const second = Math.floor(Date.now() / 1000);
      if (second !== c.second) {
        c.second = second;
        c.sentThisSecond = 0;
      }
      while (c.queue.length > 0 && (this.throttle === null || c.sentThisSecond < this.throttle)) {
        const frame = c.queue.shift();
        if (frame === undefined) break;
        c.sentThisSecond += 1;
        this.framesSent += 1;
        if (!c.halfOpen && c.ws.readyState === WebSocket.OPEN)
          c.ws.send(frame, { binary: typeof frame !== 'string' });
      }
    }
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== this.opts.wsPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (this.refuse !== null && this.refuse > 0) {
      this.refuse -= 1;
      if (this.refuse === 0) this.refuse = null;
      socket.destroy();
      return;
    }
    if (this.hang !== null && this.hang > 0) {
      this.hang -= 1;
      if (this.hang === 0) this.hang = null;
      this.hung.add(socket);
      socket.on('close', () => this.hung.delete(socket));
      return;
    }
    const auth = this.authorize(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!auth.ok) {
        ws.close(auth.code, auth.reason);
        return;
      }
      const now = Date.now();
      const client: SimClient<Meta> = {
        id: this.nextId++,
        ws,
        socket,
        openedAt: now,
        meta: auth.meta,
        halfOpen: false,
        queue: [],
        sentThisSecond: 0,
        second: Math.floor(now / 1000),
      };
      this.clients.set(client.id, client);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!client.halfOpen) this.onMessage(client, data, isBinary);
      });
      ws.on('close', (code: number) => {
        this.clients.delete(client.id);
        this.onClose(client, code);
      });
      ws.on('error', () => undefined);
      this.onOpen(client);
    });
  }

  private http(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/__faults') {
      void this.control(req, res);
      return;
    }
    if (!this.route(req, res)) json(res, 404, { error: 'not found' });
  }

  private async control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET') return json(res, 200, { active: this.activeFaults(), applied: this.applied });
    if (req.method === 'DELETE') {
      this.clearFaults();
      return json(res, 200, { active: this.activeFaults() });
    }
    if (req.method !== 'POST') return json(res, 405, { error: 'use GET, POST or DELETE' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return json(res, 400, { error: 'body must be JSON' });
    }
    const parsed = Fault.safeParse(body);
    if (!parsed.success)
      return json(res, 400, { error: parsed.error.issues.map((i) => i.message).join('; ') });
    const fault = this.fault(parsed.data);
    json(res, 200, { applied: fault, active: this.activeFaults() });
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function emptyCounted(): CountedFaults {
  return {
    corrupt: 0,
    truncate: 0,
    binary: 0,
    oversized: 0,
    oversizedBytes: 2 * 1024 * 1024,
    duplicate: 0,
    reorder: 0,
  };
}
