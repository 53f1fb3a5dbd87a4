/**
 * `window.terminal`: the verbs the renderer may call, generated from `verbs` + `contract`.
 * The Electron preload and the web host's WebSocket bridge both implement exactly this.
 */
import type { Channel, verbs } from './channels';
import type { RequestOf, ResponseOf } from './contract';
import type { StreamMessage } from './stream';

type Verbs = typeof verbs;
type VerbFn<C extends Channel> = keyof RequestOf<C> extends never
  ? () => Promise<ResponseOf<C>>
  : (request: RequestOf<C>) => Promise<ResponseOf<C>>;

export type TerminalCommands = {
  [N in keyof Verbs]: { [V in keyof Verbs[N]]: Verbs[N][V] extends Channel ? VerbFn<Verbs[N][V]> : never };
};

export type StreamListener = (message: StreamMessage) => void;

export type TerminalApi = TerminalCommands & {
  /** Which host serves the UI: the desktop app or the loopback web host. */
  host: { kind: 'electron' | 'web' };
  /** Push stream. Returns an unsubscribe function. */
  events: { subscribe(listener: StreamListener): () => void };
};
