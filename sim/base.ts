/**
 * Base of every simulator endpoint: an HTTP server on loopback with one or more WebSocket paths,
 * REST routes, a fault pipeline on every outbound frame and every request, and a control endpoint
 * (`GET|POST|DELETE /__faults`) so a manual run or an e2e test can break the connection from
 * outside the process. Protocol simulators extend it and implement `authorize`, `onOpen`,
 * `onMessage` and their routes; several of them can serve one `World` (one per port).
 *
 * Authentication happens at the upgrade (`authorize` returns ok / refused) or in-band: `authorize`
 * returns `{ok: true, authenticated: false}`, the protocol calls `authenticate(client)` when the
 * client's login message checks out, and `authTimeoutMs` closes sockets that never log in.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { type z } from 'zod';
import { type FrameCodec, jsonCodec } from './codec';
import { type AppliedFault, Fault, type FaultInput, type ProtocolFault, type RequestFault } from './faults';
import { RateWindow } from './rateWindow';
import {
  matchPath,
  readJsonBody,
  type RestHandler,
  type RestReply,
  type RestRoute,
  toRestRequest,
  writeReply,
} from './rest';

export interface SimAddress {
  /** WebSocket URL of the protocol endpoint (the first path). */
  url: string;
  /** WebSocket URL of every path, in declaration order (prefix paths without their `*`). */
  urls: string[];
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
  /** The path it connected to, and the full request URL (for query parameters). */
  readonly path: string;
  readonly requestUrl: string;
  meta: Meta;
  /** False until the client logs in, for protocols that authenticate in-band. */
  authenticated: boolean;
  /** Inbound messages in the current rate window (when the endpoint has an inbound limit). */
  inbound: RateWindow | null;
  /** When the client last answered a server ping (servers that ping, e.g. Binance). */
  lastPongAt: number;
  /** When the client last sent anything (the inbound-silence watchdog). */
  lastInboundAt: number;
  /** Stopped reading and writing (half-open fault). */
  halfOpen: boolean;
  /** Outbound frames waiting on the throttle. */
  queue: (string | Buffer)[];
  sentThisSecond: number;
  second: number;
}

/**
 * What an upgrade request turns into: accepted with metadata (already authenticated unless
 * `authenticated: false`, for in-band login), or closed right after the upgrade.
 */
export type Authorization<Meta> =
  { ok: true; meta: Meta; authenticated?: boolean } | { ok: false; code: number; reason: string };

export interface SimOptions {
  name: string;
  /** Path of the WebSocket endpoint, e.g. `/ws/portfolio`; a trailing `*` accepts a prefix. */
  wsPath: string;
  /** More WebSocket paths on the same port (market streams beside a trading socket). */
  wsPaths?: string[];
  port?: number;
  host?: string;
  /** Shapes the frame faults like this protocol's frames (default: one JSON object per frame). */
  codec?: FrameCodec;
  /** Inbound messages allowed per client per window; `onInboundRateExceeded` decides the penalty. */
  inboundRate?: { limit: number; windowMs?: number };
  /** Close clients that have not authenticated in-band within this many ms. */
  authTimeoutMs?: number;
  /** Ping every client at this interval; terminate one that has not answered within `timeoutMs`. */
  serverPing?: { intervalMs: number; timeoutMs: number };
  /**
   * Drop a client that sends nothing for this long (Tradovate closes sockets whose `[]`
   * heartbeat stops); `onInboundSilence` decides how.
   */
  inboundSilenceMs?: number;
}

/** What a request fault did to one request. */
export type RequestOutcome<T> =
  | { kind: 'ok'; value: T }
  /** Executed; the answer must be a server error (`status`), so the client cannot know. */
  | { kind: 'failed-after-execute'; value: T; status: number }
  /** Executed; the answer must never be sent. */
  | { kind: 'dropped'; value: T }
  /** Not executed: answer "rate limited, retry after". */
  | { kind: 'rate-limited'; retryAfterMs: number };

interface ProtocolFaultDef {
  schema: z.ZodType<ProtocolFault>;
  apply: (fault: ProtocolFault) => void;
}

interface CountedFaults {
  corrupt: number;
  truncate: number;
  binary: number;
  oversized: number;
  oversizedBytes: number;
  duplicate: number;
  reorder: number;
  reorderWithin: number;
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
  private requestFaults: RequestFault[] = [];
  private readonly protocolFaults = new Map<string, ProtocolFaultDef>();
  private readonly routes: RestRoute[] = [];
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private silenceTimer: ReturnType<typeof setInterval> | null = null;
  protected readonly codec: FrameCodec;
  private delayMs = 0;
  private throttle: number | null = null;
  private refuse: number | null = null;
  private hang: number | null = null;
  private throttleTimer: ReturnType<typeof setInterval> | null = null;
  /** Shared-vocabulary faults applied so far, newest last (typed for tests that narrow on kind). */
  readonly applied: Fault[] = [];
  /** Every fault applied so far, protocol-defined kinds included, newest last (`GET /__faults`). */
  readonly appliedAll: AppliedFault[] = [];
  /** Total frames sent to clients. */
  framesSent = 0;

  constructor(opts: SimOptions) {
    this.opts = opts;
    this.name = opts.name;
    this.port = opts.port ?? 0;
    this.codec = opts.codec ?? jsonCodec;
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
    const ping = this.opts.serverPing;
    if (ping !== undefined)
      this.pingTimer = setInterval(() => this.pingClients(ping.timeoutMs), ping.intervalMs);
    const silence = this.opts.inboundSilenceMs;
    if (silence !== undefined)
      this.silenceTimer = setInterval(
        () => this.checkSilence(silence),
        Math.max(10, Math.min(250, silence / 4)),
      );
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
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.silenceTimer !== null) clearInterval(this.silenceTimer);
    this.silenceTimer = null;
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
    const urls = this.wsPaths().map(
      (p) => `ws://${host}:${this.port}${p.endsWith('*') ? p.slice(0, -1) : p}`,
    );
    return {
      url: urls[0] ?? `ws://${host}:${this.port}${this.opts.wsPath}`,
      urls,
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

  /**
   * Apply a fault now. Same vocabulary as `POST /__faults`: the shared kinds, plus whatever this
   * protocol added with `defineFault`. Throws on input that does not parse.
   */
  fault(input: FaultInput): Fault;
  fault(input: ProtocolFault): AppliedFault;
  fault(input: FaultInput | ProtocolFault): AppliedFault {
    const parsed = this.parseFault(input);
    if (!parsed.ok) throw new Error(parsed.error);
    const fault = parsed.fault;
    this.appliedAll.push(fault);
    const def = this.protocolFaults.get(fault.kind);
    if (def !== undefined) {
      def.apply(fault);
      return fault;
    }
    const base = fault as Fault;
    this.applied.push(base);
    this.applyBase(base);
    return base;
  }

  /** Parse a fault the way `fault()` and `/__faults` do: a protocol's kinds first, then the shared ones. */
  parseFault(input: unknown): { ok: true; fault: AppliedFault } | { ok: false; error: string } {
    const kind = typeof input === 'object' && input !== null ? (input as { kind?: unknown }).kind : undefined;
    const def = typeof kind === 'string' ? this.protocolFaults.get(kind) : undefined;
    const r = def !== undefined ? def.schema.safeParse(input) : Fault.safeParse(input);
    if (!r.success) return { ok: false, error: r.error.issues.map((i) => i.message).join('; ') };
    return { ok: true, fault: r.data };
  }

  /** The fault kinds this simulator understands (shared and protocol-defined). */
  faultKinds(): string[] {
    return [...Fault.options.map((o) => o.shape.kind.value), ...this.protocolFaults.keys()];
  }

  private applyBase(fault: Fault): void {
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
      case 'reorder-within':
        this.counted.reorderWithin += fault.count;
        break;
      case 'drop-reply':
      case 'fail-after-execute':
      case 'rate-limit':
        // One queue entry per request it will hit.
        for (let i = 0; i < fault.count; i++) this.requestFaults.push({ ...fault, count: 1 });
        break;
    }
  }

  /** Clear persistent and pending faults; half-open sockets stay dead (as they would in life). */
  clearFaults(): void {
    this.counted = emptyCounted();
    this.delayMs = 0;
    this.throttle = null;
    this.refuse = null;
    this.hang = null;
    this.requestFaults = [];
    for (const { client, frame } of this.reorderBuffer) this.write(client, frame);
    this.reorderBuffer = [];
    this.onClearFaults();
  }

  activeFaults(): Record<string, unknown> {
    const { reorderWithin, ...counted } = this.counted;
    return {
      ...counted,
      delayMs: this.delayMs,
      throttle: this.throttle,
      refuse: this.refuse === Number.POSITIVE_INFINITY ? 'all' : this.refuse,
      hang: this.hang === Number.POSITIVE_INFINITY ? 'all' : this.hang,
      // Newer kinds appear only while pending, so the long-standing shape stays as it was.
      ...(reorderWithin > 0 ? { reorderWithin } : {}),
      ...(this.requestFaults.length > 0 ? { requests: this.requestFaults.map((f) => ({ ...f })) } : {}),
      ...this.protocolActiveFaults(),
    };
  }

  // ---- requests ------------------------------------------------------------------------------

  /**
   * Run one client request through the request faults: a pending `rate-limit` refuses it
   * unexecuted; `drop-reply` and `fail-after-execute` execute it and then tell the protocol to
   * withhold or replace the answer. `op` names the operation (faults may target one op).
   */
  protected async runRequest<T>(op: string, execute: () => T | Promise<T>): Promise<RequestOutcome<T>> {
    const i = this.requestFaults.findIndex((f) => f.op === undefined || f.op === op);
    const fault = i >= 0 ? this.requestFaults.splice(i, 1)[0] : undefined;
    if (fault?.kind === 'rate-limit') return { kind: 'rate-limited', retryAfterMs: fault.retryAfterMs };
    const value = await execute();
    if (fault?.kind === 'drop-reply') return { kind: 'dropped', value };
    if (fault?.kind === 'fail-after-execute')
      return { kind: 'failed-after-execute', value, status: fault.status };
    return { kind: 'ok', value };
  }

  /** Serve `handler` for `method path` (a trailing `*` matches a prefix); request faults apply. */
  protected restRoute(method: string, path: string, handler: RestHandler, op = `${method} ${path}`): void {
    this.routes.push({ method, path, handler, op });
  }

  /** The REST answer to a request refused as rate limited (protocols override: Tradovate's p-ticket). */
  protected restRateLimited(retryAfterMs: number): RestReply {
    return {
      status: 429,
      headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
      body: { error: 'Too Many Requests', retryAfterMs },
    };
  }

  /** The REST answer to a request that executed but must look failed. */
  protected restServerError(status: number): RestReply {
    return { status, body: { error: 'Internal Server Error' } };
  }

  /** The REST answer to a body that is not JSON or is too large. */
  protected restBadBody(status: number, error: string): RestReply {
    return { status, body: { error } };
  }

  // ---- protocol faults -----------------------------------------------------------------------

  /**
   * Add a fault kind to this simulator's vocabulary. `schema` must accept objects whose `kind`
   * is the new literal; `apply` runs for each parsed fault (from `fault()` or `/__faults`).
   */
  protected defineFault<S extends z.ZodType<ProtocolFault>>(
    kind: string,
    schema: S,
    apply: (fault: z.infer<S>) => void,
  ): void {
    if (Fault.options.some((o) => o.shape.kind.value === kind))
      throw new Error(`fault kind ${kind} is already shared`);
    this.protocolFaults.set(kind, { schema, apply: (f) => apply(f as z.infer<S>) });
  }

  /** Protocol faults still pending, merged into `activeFaults()`. */
  protected protocolActiveFaults(): Record<string, unknown> {
    return {};
  }

  /** Clear protocol faults (called by `clearFaults`). */
  protected onClearFaults(): void {}

  // ---- authentication ------------------------------------------------------------------------

  /** Mark a client logged in (in-band authentication succeeded); stops its login deadline. */
  protected authenticate(client: SimClient<Meta>, meta?: Meta): void {
    client.authenticated = true;
    if (meta !== undefined) client.meta = meta;
  }

  /** What happens to a client that did not log in within `authTimeoutMs`. */
  protected onAuthTimeout(client: SimClient<Meta>): void {
    client.ws.close(1008, 'Authentication timeout');
  }

  /** What happens to a client that sent nothing for `inboundSilenceMs` (default: close 1001). */
  protected onInboundSilence(client: SimClient<Meta>): void {
    client.ws.close(1001, 'Inactivity timeout');
  }

  /** What happens to a client that exceeds `inboundRate` (default: close 1008, as most venues do). */
  protected onInboundRateExceeded(client: SimClient<Meta>): void {
    client.ws.close(1008, 'Message rate limit exceeded');
  }

  // ---- for subclasses ------------------------------------------------------------------------

  protected abstract authorize(req: IncomingMessage, path: string): Authorization<Meta>;
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

  /**
   * Send one frame to a client through the fault pipeline. `binary` sends the text's UTF-8 bytes
   * as a binary frame (relays that forward upstream Buffers as they came, seed 002).
   */
  protected send(client: SimClient<Meta>, frame: string, opts: { binary?: boolean } = {}): void {
    if (client.halfOpen || client.ws.readyState !== WebSocket.OPEN) return;
    let out: string | Buffer = frame;
    if (this.counted.reorderWithin > 0) {
      const messages = this.codec.split?.(frame) ?? null;
      if (messages !== null && messages.length > 1 && this.codec.join !== undefined) {
        this.counted.reorderWithin -= 1;
        out = frame = this.codec.join(messages.reverse());
      }
    }
    if (this.counted.corrupt > 0) {
      this.counted.corrupt -= 1;
      out = this.codec.corrupt(frame);
    } else if (this.counted.truncate > 0) {
      this.counted.truncate -= 1;
      out = this.codec.truncate(frame);
    } else if (this.counted.binary > 0) {
      this.counted.binary -= 1;
      out = this.codec.binary(frame);
    } else if (this.counted.oversized > 0) {
      this.counted.oversized -= 1;
      out = this.codec.oversized(this.counted.oversizedBytes);
    } else if (opts.binary === true) {
      out = Buffer.from(frame, 'utf8');
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

  private wsPaths(): string[] {
    return [this.opts.wsPath, ...(this.opts.wsPaths ?? [])];
  }

  private pingClients(timeoutMs: number): void {
    const now = Date.now();
    for (const c of this.clients.values()) {
      if (c.halfOpen) continue;
      if (now - c.lastPongAt > timeoutMs) {
        c.ws.terminate();
        continue;
      }
      c.ws.ping();
    }
  }

  private checkSilence(silenceMs: number): void {
    const now = Date.now();
    for (const c of this.clients.values())
      if (!c.halfOpen && c.ws.readyState === WebSocket.OPEN && now - c.lastInboundAt > silenceMs)
        this.onInboundSilence(c);
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!this.wsPaths().some((p) => matchPath(p, path))) {
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
    const auth = this.authorize(req, path);
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
        path,
        requestUrl: req.url ?? path,
        meta: auth.meta,
        authenticated: auth.authenticated ?? true,
        inbound:
          this.opts.inboundRate === undefined
            ? null
            : new RateWindow(this.opts.inboundRate.limit, this.opts.inboundRate.windowMs),
        lastPongAt: now,
        lastInboundAt: now,
        halfOpen: false,
        queue: [],
        sentThisSecond: 0,
        second: Math.floor(now / 1000),
      };
      this.clients.set(client.id, client);
      const authMs = this.opts.authTimeoutMs;
      const authTimer =
        !client.authenticated && authMs !== undefined
          ? setTimeout(() => {
              if (!client.authenticated && client.ws.readyState === WebSocket.OPEN)
                this.onAuthTimeout(client);
            }, authMs)
          : null;
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (client.halfOpen) return;
        client.lastInboundAt = Date.now();
        if (client.inbound !== null && !client.inbound.hit()) {
          this.onInboundRateExceeded(client);
          return;
        }
        this.onMessage(client, data, isBinary);
      });
      ws.on('pong', () => {
        client.lastPongAt = Date.now();
      });
      ws.on('close', (code: number) => {
        if (authTimer !== null) clearTimeout(authTimer);
        this.clients.delete(client.id);
        this.onClose(client, code);
      });
      ws.on('error', () => undefined);
      this.onOpen(client);
    });
  }

  private http(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/__faults') {
      void this.control(req, res);
      return;
    }
    if (this.route(req, res)) return;
    const route = this.routes.find((r) => r.method === req.method && matchPath(r.path, path));
    if (route === undefined) return json(res, 404, { error: 'not found' });
    void this.serveRest(route, req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  }

  private async serveRest(route: RestRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonBody(req);
    if (!body.ok) return writeReply(res, this.restBadBody(body.status, body.error));
    const request = toRestRequest(req, body.body);
    const outcome = await this.runRequest(route.op, () => route.handler(request));
    switch (outcome.kind) {
      case 'ok':
        return writeReply(res, outcome.value);
      case 'rate-limited':
        return writeReply(res, this.restRateLimited(outcome.retryAfterMs));
      case 'failed-after-execute':
        return writeReply(res, this.restServerError(outcome.status));
      case 'dropped':
        // The work is done; the client sees the connection die with no answer.
        res.socket?.destroy();
        return;
    }
  }

  private async control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET')
      return json(res, 200, { active: this.activeFaults(), applied: this.appliedAll });
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
    const parsed = this.parseFault(body);
    if (!parsed.ok) return json(res, 400, { error: parsed.error });
    const fault = this.fault(parsed.fault as ProtocolFault);
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
    reorderWithin: 0,
  };
}
