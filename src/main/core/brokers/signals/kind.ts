/**
 * The `signals` gateway (seed 003), configured as issue 13 states:
 *
 *   { "kind": "signals", "id": "sig", "mode": "paper", "url": "ws://host/ws",
 *     "options": { "clientId": "…" } }
 *
 * No secrets: the seed's server has no authentication.
 */
import { z } from 'zod';
import { configProblem, type ConnectionKindSpec, optionalFormText } from '../kind';
import { SignalsConfig, SignalsConnection } from './connection';

export const signalsKind: ConnectionKindSpec = {
  kind: 'signals',
  title: 'Signals gateway',
  available: true,
  builtIn: false,
  // Its portfolio may be real money: never shown as paper unless the config says so.
  modes: ['paper', 'demo', 'live'],
  defaultMode: 'live',
  endpoints: [
    {
      name: 'url',
      label: 'Gateway URL',
      required: true,
      schemes: ['ws:', 'wss:'],
      placeholder: 'ws://host/ws',
      help: 'Prices, trading signals, trades and the portfolio. Signals are shown, never executed.',
    },
  ],
  secrets: [],
  options: [
    {
      name: 'clientId',
      label: 'Client id',
      required: false,
      type: 'text',
      help: 'Optional: sent as client_id; the gateway makes one up when empty.',
    },
  ],
  optionsSchema: z.looseObject({ clientId: optionalFormText }),
  build(entry, _secrets, deps) {
    const parsed = SignalsConfig.safeParse({
      ...entry.options,
      kind: 'signals',
      id: entry.id,
      label: entry.label,
      url: entry.url,
      mode: entry.mode,
    });
    if (!parsed.success) throw new Error(configProblem(parsed.error));
    return new SignalsConnection(parsed.data, deps);
  },
};
