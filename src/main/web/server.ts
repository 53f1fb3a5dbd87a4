/**
 * The loopback web host: serves the built renderer and the engine's contract over a WebSocket,
 * plus `GET /status` for scripts. Binds 127.0.0.1 only; every socket and status read needs the
 * per-launch token, and sockets must come from the host's own origin.
 */
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WEB_SOCKET_PATH, TOKEN_PARAM } from '../../shared/wire';
import type { VaultBackend } from '../core/credentials';
import { startTerminal } from '../core/terminal';
import type { Engine } from '../core/engine';
import { createLogger, registerSecret, type Logger } from '../core/log';
import { ensurePrivateDir } from '../core/settings';
import { bearerToken, newToken, ownHosts, ownOrigins, tokenMatches } from './auth';
import { DEFAULT_CLIENT_LIMITS, type ClientLimits } from '../host/clientLimits';
import { SocketBridge, type BridgeStats } from './socketBridge';
import { ThrottledLog } from '../host/throttledLog';
import type { TokenChoice } from './token';
import { contentSecurityPolicy, securityHeaders } from '../host/contentSecurity';
import { acquireDataDirLock, type DataDirLock } from '../host/dataDirLock';
import { contentTypeOf, defaultRendererDir, resolveStaticPath } from '../host/staticFiles';

/** What the host needs from the engine (tests may drive the host with a scripted one). */
export type HostedEngine = Pick<Engine, 'start' | 'stop' | 'subscribe' | 'snapshot' | 'dispatch' | 'status'>;

export interface WebHostOptions {
  /** 0 picks a free port. */
  port: number;
  /** Per-launch secret; a random 32-byte hex token when absent. */
  token?: string;
  /** Where `token` came from (cli.ts); 'argument' is logged as a warning. */
  tokenSource?: TokenChoice['source'];
  /** Seed for the paper market when the host creates its own engine. */
  seed?: number;
  /**
   * Created 0700 (narrowed to 0700 if wider); holds the host's log and settings. One host per directory: a
   * second one fails to start with a DataDirLockedError naming the first one's pid.
   */
  dataDir: string;
  /**
   * An engine the caller owns (started and stopped by the caller); otherwise the host makes one,
   * with a ConnectionManager over the settings in `dataDir` and the OS keychain.
   */
  engine?: HostedEngine;
  /** `--profile FILE`: session connections, started without a click, never saved. */
  profileFile?: string;
  /** Where PEREGRINE_CONNECTIONS and profile secrets are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Keychain service name for the vault (tests use their own). */
  vaultService?: string;
  rendererDir?: string;
  logger?: Logger;
  /**
   * Per-client bound on queued outgoing bytes: above it batches are skipped; a client whose queue
   * would pass twice this (a reply cannot be skipped) is disconnected.
   */
  maxBufferedBytes?: number;
  /** Per-client call limits (calls in flight, snapshot, chart-history and journal rates, refusals). */
  limits?: Partial<ClientLimits>;
}

export interface WebHost {
  /** The UI URL including `?token=`. */
  url: string;
  origin: string;
  port: number;
  token: string;
  stats(): BridgeStats;
  /** Where connection secrets are kept this session (null when the caller supplied the engine). */
  vault: { backend: VaultBackend; reason: string | null } | null;
  /**
   * The quit guard without a dialog: active terminal-managed protection is kept (its orders stay
   * resting at the broker, no longer managed) and described, one line each, for the log.
   */
  quitGuard(): Promise<string[]>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const MAX_CLIENT_FRAME_BYTES = 256 * 1024;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  // Owner-only (0700), narrowed if it was wider: the settings module's rule for every data dir.
  ensurePrivateDir(options.dataDir);
  // Before anything reads or writes the directory: a second host must not touch the first's files.
  const lock = acquireDataDirLock(options.dataDir, { host: 'web' });
  try {
    return await startLocked(options, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function startLocked(options: WebHostOptions, lock: DataDirLock): Promise<WebHost> {
  const token = options.token ?? newToken();
  // The token is a credential: scrub it from any log line that might quote it.
  registerSecret(token);
  const logger =
    options.logger ?? createLogger({ name: 'web-host', file: join(options.dataDir, 'web-host.log') });
  if (options.tokenSource === 'argument')
    logger.warn('the token was given with --token, which other local users can see in the process list');
  const rendererDir = options.rendererDir ?? defaultRendererDir(import.meta.url);
  const ownsEngine = options.engine === undefined;
  let engine: HostedEngine;
  let vault: WebHost['vault'] = null;
  let quitGuard: WebHost['quitGuard'] = () => Promise.resolve([]);
  if (options.engine !== undefined) {
    engine = options.engine;
  } else {
    const terminal = await startTerminal({
      dataDir: options.dataDir,
      logger,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.profileFile === undefined ? {} : { profileFile: options.profileFile }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.vaultService === undefined ? {} : { vaultService: options.vaultService }),
    });
    vault = terminal.vault;
    engine = terminal.engine;
    const protection = terminal.engine.protection;
    quitGuard = async () => {
      const left = await protection.onQuit('keep');
      if (left.length > 0) logger.warn({ left }, 'quit: terminal-managed protection kept at the broker');
      return left;
    };
  }

  const bridge = new SocketBridge(engine, logger, options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES, {
    ...DEFAULT_CLIENT_LIMITS,
    ...options.limits,
  });
  const throttled = new ThrottledLog(logger);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  // Filled in once listening: the port is only known then (port 0 = random).
  let origins: string[] = [];
  let hosts: string[] = [];
  let headers: Record<string, string> = {};

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'web request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hosts.includes(req.headers.host ?? '')) return void res.writeHead(421).end();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/status') {
      if (req.method !== 'GET') return void res.writeHead(405, { Allow: 'GET' }).end();
      if (!tokenMatches(token, bearerToken(req.headers.authorization))) {
        return void res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end();
      }
      const body = JSON.stringify(engine.status());
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      return void res.end(body);
    }
    if (url.pathname === WEB_SOCKET_PATH) {
      // The page probes the socket URL over plain HTTP to tell "wrong token" from "host down".
      const status = tokenMatches(token, url.searchParams.get(TOKEN_PARAM)) ? 426 : 401;
      return void res.writeHead(status, status === 426 ? { Upgrade: 'websocket' } : {}).end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    const file = resolveStaticPath(rendererDir, url.pathname);
    if (file === null) return void res.writeHead(404, headers).end();
    const content = await readFile(file);
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeOf(file),
      'Content-Length': content.length,
      // index.html carries no token (that is in the query), but it changes with every build.
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : content);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reject = (status: 401 | 403 | 404, reason: string): void => {
      // Anyone who can reach the port can do this at will: log why, rate-limited, and never the
      // URL (it holds the token) nor the headers (they are the caller's text).
      throttled.warn('web socket upgrade refused', { reason, status });
      socket.end(
        `HTTP/1.1 ${status} ${statusText[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
    };
    if (url.pathname !== WEB_SOCKET_PATH) return reject(404, 'unknown path');
    if (!hosts.includes(req.headers.host ?? '')) return reject(403, 'foreign host header');
    if (!tokenMatches(token, url.searchParams.get(TOKEN_PARAM))) return reject(401, 'bad token');
    if (!origins.includes(req.headers.origin ?? '')) return reject(403, 'foreign origin');
    wss.handleUpgrade(req, socket, head, (ws) => bridge.attach(ws));
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('web host has no TCP address');
  const port = address.port;
  origins = ownOrigins(port);
  hosts = ownHosts(port);
  headers = securityHeaders(contentSecurityPolicy(origins.map((o) => o.replace(/^http/, 'ws'))));
  const origin = `http://127.0.0.1:${port}`;
  logger.info({ port, rendererDir }, 'web host listening');

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?${TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    stats: () => bridge.stats(),
    vault,
    quitGuard: () => quitGuard(),
    close: () => {
      closing ??= (async () => {
        bridge.close();
        await new Promise<void>((r) => wss.close(() => r()));
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        if (ownsEngine) await engine.stop();
        lock.release();
        logger.info('web host stopped');
      })();
      return closing;
    },
  };
}

const statusText = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' } as const;
