/**
 * The `realtime` endpoint (seed 004), configured as issue 13 states:
 *
 *   { "kind": "realtime", "id": "rt", "mode": "paper", "url": "ws://host/api/ws/realtime",
 *     "options": { "symbols": ["BTCUSDT"] } }
 *
 * No secrets: the documented version has no authentication. The form takes symbols as a
 * comma-separated text; profiles may give a list.
 */
import { z } from 'zod';
import { configProblem, type ConnectionKindSpec } from '../kind';
import { RealtimeConfig, RealtimeConnection } from './connection';

const symbolList = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((v) =>
    (Array.isArray(v) ? v : (v ?? '').split(/[\s,]+/))
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== ''),
  );

export const realtimeKind: ConnectionKindSpec = {
  kind: 'realtime',
  title: 'Realtime endpoint',
  available: true,
  builtIn: false,
  // The documented version is paper trading only (seed 004, "Security Considerations").
  modes: ['paper', 'demo', 'live'],
  defaultMode: 'paper',
  endpoints: [
    {
      name: 'url',
      label: 'Endpoint URL',
      required: true,
      schemes: ['ws:', 'wss:'],
      placeholder: 'ws://host/api/ws/realtime',
      help: 'Positions, portfolio, tickers and the server’s own trailing stops, OCOs and brackets (read-only).',
    },
  ],
  secrets: [],
  options: [
    {
      name: 'symbols',
      label: 'Tickers',
      required: false,
      type: 'text',
      placeholder: 'BTCUSDT, ETHUSDT',
      help: 'Subscribed on every connect, besides the symbols you watch.',
    },
  ],
  optionsSchema: z.looseObject({ symbols: symbolList }),
  build(entry, _secrets, deps) {
    const parsed = RealtimeConfig.safeParse({
      ...entry.options,
      symbols: symbolList.parse(entry.options.symbols),
      kind: 'realtime',
      id: entry.id,
      label: entry.label,
      url: entry.url,
      mode: entry.mode,
    });
    if (!parsed.success) throw new Error(configProblem(parsed.error));
    return new RealtimeConnection(parsed.data, deps);
  },
};
