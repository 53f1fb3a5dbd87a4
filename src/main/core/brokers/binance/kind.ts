/**
 * The Binance Spot kind as the registry lists it. Its config shape is public (profiles, settings,
 * `PEREGRINE_CONNECTIONS`), fixed by issue 12:
 *
 *   { "kind": "binance", "id": "bn", "mode": "demo",
 *     "urls": { "rest": "https://…", "stream": "wss://…", "wsApi": "wss://…/ws-api/v3" },
 *     "secrets": { "apiKey": {…}, "apiSecret": {…} } }
 *
 * demo = Spot Testnet, live = production; each endpoint defaults per mode and `urls` overrides it.
 * `rest` is the base before `/api/v3/…`, `stream` the base before `/stream?streams=…`, `wsApi`
 * the full WebSocket API address. Options: `quoteAsset` (default USDT), `recvWindow` (ms).
 */
import { z } from 'zod';
import { configProblem, type ConnectionKindSpec, optionalFormText } from '../kind';
import { BinanceConfig, BinanceConnection } from './connection';

const optionalNumber = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => (v === undefined || String(v).trim() === '' ? undefined : Number(v)))
  .refine(
    (v) => v === undefined || (Number.isInteger(v) && v > 0 && v <= 60_000),
    'a whole number of ms up to 60000',
  );

export const binanceKind: ConnectionKindSpec = {
  kind: 'binance',
  title: 'Binance Spot',
  available: true,
  builtIn: false,
  modes: ['demo', 'live'],
  defaultMode: 'demo',
  endpoints: [
    {
      name: 'rest',
      label: 'REST base',
      required: true,
      schemes: ['http:', 'https:'],
      defaults: { demo: 'https://testnet.binance.vision', live: 'https://api.binance.com' },
      placeholder: 'https://api.binance.com',
      help: 'The address before /api/v3/… (account, open orders, trades, klines).',
    },
    {
      name: 'stream',
      label: 'Market streams',
      required: true,
      schemes: ['ws:', 'wss:'],
      defaults: { demo: 'wss://stream.testnet.binance.vision', live: 'wss://stream.binance.com:9443' },
      placeholder: 'wss://stream.binance.com:9443',
      help: 'The address before /stream?streams=….',
    },
    {
      name: 'wsApi',
      label: 'WebSocket API',
      required: true,
      schemes: ['ws:', 'wss:'],
      defaults: {
        demo: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
        live: 'wss://ws-api.binance.com:443/ws-api/v3',
      },
      placeholder: 'wss://ws-api.binance.com:443/ws-api/v3',
      help: 'Orders and the user data stream (userDataStream.subscribe.signature).',
    },
  ],
  secrets: [
    { name: 'apiKey', label: 'API key', required: true, help: 'Sent to Binance with signed requests.' },
    {
      name: 'apiSecret',
      label: 'API secret (HMAC)',
      required: true,
      help: 'Signs requests on this machine; it is never sent anywhere. Kept in the credential vault only.',
    },
  ],
  options: [
    {
      name: 'quoteAsset',
      label: 'Quote asset',
      required: false,
      type: 'text',
      help: 'Cash is this asset; every other asset held shows as a position in ASSET + this (default USDT).',
    },
    {
      name: 'recvWindow',
      label: 'recvWindow (ms)',
      required: false,
      type: 'number',
      help: 'How long a signed request stays valid at Binance (default 5000, at most 60000).',
    },
  ],
  optionsSchema: z.looseObject({ quoteAsset: optionalFormText, recvWindow: optionalNumber }),
  build(entry, secrets, deps) {
    const apiKey = secrets.get('apiKey');
    const apiSecret = secrets.get('apiSecret');
    if (apiKey === undefined) throw new Error('the API key is not stored');
    if (apiSecret === undefined) throw new Error('the API secret is not stored');
    const { quoteAsset, recvWindow, ...rest } = entry.options;
    const parsed = BinanceConfig.safeParse({
      ...rest,
      ...(quoteAsset === undefined ? {} : { quoteAsset }),
      ...(recvWindow === undefined ? {} : { recvWindow: Number(recvWindow) }),
      kind: 'binance',
      id: entry.id,
      label: entry.label,
      mode: entry.mode,
      urls: entry.urls,
      apiKey,
      apiSecret,
    });
    // configProblem names paths and messages only: never a secret's value.
    if (!parsed.success) throw new Error(configProblem(parsed.error));
    return new BinanceConnection(parsed.data, deps);
  },
};
