/**
 * The engine's stream to the window over a MessagePort: each page load (first load and every
 * reload) gets a fresh port that carries a snapshot first, then every batch. The old port is
 * closed so a reloaded page never receives two streams.
 */
import { MessageChannelMain, type MessagePortMain, type WebContents } from 'electron';
import { STREAM_PORT_CHANNEL } from '../../shared/channels';
import type { Engine } from '../core/engine';

export function attachStreamPort(engine: Engine, contents: WebContents): () => void {
  let port: MessagePortMain | null = null;

  const unsubscribe = engine.subscribe((message) => port?.postMessage(message));

  const openPort = (): void => {
    port?.close();
    const { port1, port2 } = new MessageChannelMain();
    port = port1;
    // Queued on the port before the renderer end is even handed over: the snapshot is first.
    port1.postMessage(engine.snapshot());
    port1.start();
    contents.postMessage(STREAM_PORT_CHANNEL, null, [port2]);
  };

  const detach = (): void => {
    unsubscribe();
    port?.close();
    port = null;
    contents.off('did-finish-load', openPort);
  };

  contents.on('did-finish-load', openPort);
  contents.once('destroyed', detach);
  return detach;
}
