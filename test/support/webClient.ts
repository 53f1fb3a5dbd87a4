/**
 * A raw client of the web host's WebSocket, as the page speaks it: calls by id, every frame kept
 * (so a test can search all of them for a secret).
 */
import WebSocket from 'ws';
import type { WebHost } from '../../src/main/web/server';

export class Client {
  readonly frames: string[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, (v: unknown) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      this.frames.push(text);
      const frame = JSON.parse(text) as { t: string; id?: number; value?: unknown; message?: unknown };
      if (frame.id !== undefined) this.waiting.get(frame.id)?.(frame.t === 'result' ? frame.value : frame);
    });
  }
  static async open(host: WebHost): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: host.origin });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    return new Client(ws);
  }
  call(channel: string, payload: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ t: 'call', id, channel, payload }));
    });
  }
  close(): void {
    this.ws.close();
  }
}
