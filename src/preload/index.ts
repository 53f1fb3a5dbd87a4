/**
 * `window.terminal` in the Electron host: the verbs of src/shared/channels.ts, each an
 * `ipcRenderer.invoke` on its own channel, and the engine's stream from the MessagePort that the
 * main process sends on every page load. No generic send/invoke/on leaves this file.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { STREAM_PORT_CHANNEL, verbs } from '../shared/channels';
import type { StreamListener, TerminalApi, TerminalCommands } from '../shared/api';
import type { StreamMessage } from '../shared/stream';

const listeners = new Set<StreamListener>();
let streamPort: MessagePort | null = null;

ipcRenderer.on(STREAM_PORT_CHANNEL, (event) => {
  const [port] = event.ports;
  if (port === undefined) return;
  streamPort?.close();
  streamPort = port;
  port.onmessage = (message: MessageEvent<StreamMessage>) => {
    for (const listener of listeners) listener(message.data);
  };
  port.start();
});

function buildCommands(): TerminalCommands {
  const namespaces: Record<string, Record<string, (payload?: unknown) => Promise<unknown>>> = {};
  for (const [namespace, channels] of Object.entries(verbs)) {
    const fns: Record<string, (payload?: unknown) => Promise<unknown>> = {};
    for (const [verb, channel] of Object.entries(channels)) {
      fns[verb] = (payload?: unknown) => ipcRenderer.invoke(channel, payload ?? {});
    }
    namespaces[namespace] = fns;
  }
  // Built from the same `verbs` table the type is generated from; the engine parses every payload.
  return namespaces as TerminalCommands;
}

const api: TerminalApi = {
  ...buildCommands(),
  host: { kind: 'electron' },
  events: {
    subscribe(listener: StreamListener): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  },
};

contextBridge.exposeInMainWorld('terminal', api);
