/**
 * Shared parts of the connection tests: a loopback gateway that records what it is offered (and
 * can answer like a careless server, echoing the cookie in its close reason), and a manager
 * session over a real settings file, a real vault and a real engine.
 */
import { WebSocketServer } from 'ws';
import { ConnectionManager, type ConnectionManagerOptions } from '../../../../src/main/core/connections';
import type { CredentialVault } from '../../../../src/main/core/credentials';
import { Engine } from '../../../../src/main/core/engine';
import { silentLogger } from '../../../../src/main/core/log';
import { openSettings } from '../../../../src/main/core/settings';

export interface RecordingGateway {
  url: string;
  origin: string;
  /** Cookie headers of every upgrade it received. */
  offered: string[];
  close(): Promise<void>;
}

/** A WebSocket server on loopback; `echo` closes each socket with 1008 quoting the cookie. */
export async function recordingGateway(options: { echo?: boolean } = {}): Promise<RecordingGateway> {
  const offered: string[] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws, req) => {
    const cookie = req.headers.cookie ?? '';
    offered.push(cookie);
    if (options.echo === true) ws.close(1008, `rejected ${cookie.replace(/^[^=]*=/, '')}`.slice(0, 120));
  });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  const origin = `ws://127.0.0.1:${address.port}`;
  return {
    url: `${origin}/ws/portfolio`,
    origin,
    offered,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface ManagerSession {
  engine: Engine;
  manager: ConnectionManager;
}

/** A started engine and manager over `dataDir`; stop them with `engine.stop()`. */
export async function managerSession(
  dataDir: string,
  vault: CredentialVault,
  extra: Partial<ConnectionManagerOptions> = {},
): Promise<ManagerSession> {
  const logger = silentLogger();
  const engine = Engine.create({ logger, paper: true, seed: 1 });
  const settings = openSettings({ dataDir, logger });
  const manager = new ConnectionManager({ engine, settings, vault, logger, ...extra });
  await engine.start();
  await manager.start();
  return { engine, manager };
}
