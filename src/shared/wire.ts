/**
 * The web host's WebSocket framing: the same contract as Electron IPC, carried as JSON.
 * Browser → host: calls. Host → browser: call results and the engine's stream.
 */
import { z } from 'zod';

export const WEB_SOCKET_PATH = '/ws';
/** The web UI URL carries the per-launch token as `?token=…`; the socket repeats it. */
export const TOKEN_PARAM = 'token';

export const ClientFrame = z.object({
  t: z.literal('call'),
  id: z.number().int(),
  channel: z.string(),
  payload: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  | { t: 'result'; id: number; value: unknown }
  | { t: 'error'; id: number; message: string }
  | { t: 'stream'; message: unknown };
