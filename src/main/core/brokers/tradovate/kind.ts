/**
 * The Tradovate kind as the registry lists it. Its config shape is public (profiles, settings,
 * `PEREGRINE_CONNECTIONS`), fixed by issue 10:
 *
 *   { "kind": "tradovate", "id": "tdv", "mode": "demo",
 *     "urls": { "rest": "https://…/v1", "trading": "wss://…/v1/websocket", "marketData": "wss://…/v1/websocket" },
 *     "options": { "username": "…", "appId": "…", "appVersion": "1.0", "cid": "…", "deviceId": "…" },
 *     "secrets": { "password": {…}, "sec": {…} } }
 *
 * Demo and live have built-in default URLs; `urls` overrides any of them (plain ws:// and http://
 * only on loopback, as for every kind). Adapter tuning (`backoff`, `heartbeatMs`, …) may ride
 * under options too.
 */
import { z } from 'zod';
import { configProblem, type ConnectionKindSpec, optionalFormText } from '../kind';
import { TradovateConfig, TradovateConnection } from './connection';

export const tradovateKind: ConnectionKindSpec = {
  kind: 'tradovate',
  title: 'Tradovate',
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
      defaults: { demo: 'https://demo.tradovateapi.com/v1', live: 'https://live.tradovateapi.com/v1' },
      placeholder: 'https://demo.tradovateapi.com/v1',
      help: 'Access tokens are requested and renewed here.',
    },
    {
      name: 'trading',
      label: 'Trading socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      defaults: {
        demo: 'wss://demo.tradovateapi.com/v1/websocket',
        live: 'wss://live.tradovateapi.com/v1/websocket',
      },
      placeholder: 'wss://demo.tradovateapi.com/v1/websocket',
    },
    {
      name: 'marketData',
      label: 'Market-data socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      // One market-data host serves both environments (brokers.md §1.2).
      defaults: {
        demo: 'wss://md.tradovateapi.com/v1/websocket',
        live: 'wss://md.tradovateapi.com/v1/websocket',
      },
      placeholder: 'wss://md.tradovateapi.com/v1/websocket',
    },
  ],
  secrets: [
    {
      name: 'password',
      label: 'Password',
      required: true,
      help: 'Your Tradovate password. Kept in the credential vault only.',
    },
    {
      name: 'sec',
      label: 'API secret',
      required: true,
      help: 'The API key secret ("sec"). Kept in the credential vault only.',
    },
  ],
  options: [
    { name: 'username', label: 'Username', required: true, type: 'text' },
    {
      name: 'appId',
      label: 'App id',
      required: true,
      type: 'text',
      help: 'The application name registered with the API key.',
    },
    { name: 'appVersion', label: 'App version', required: false, type: 'text', placeholder: '1.0' },
    { name: 'cid', label: 'API key id (cid)', required: true, type: 'text' },
    {
      name: 'deviceId',
      label: 'Device id',
      required: false,
      type: 'text',
      help: 'Up to 64 characters, stable for this machine (live trading checks it).',
    },
  ],
  optionsSchema: z.looseObject({
    username: optionalFormText,
    appId: optionalFormText,
    appVersion: optionalFormText,
    cid: z
      .union([z.string(), z.number()])
      .optional()
      .transform((v) => (v === undefined || String(v).trim() === '' ? undefined : String(v).trim())),
    deviceId: optionalFormText,
  }),
  build(entry, secrets, deps) {
    const password = secrets.get('password');
    const sec = secrets.get('sec');
    if (password === undefined) throw new Error('the Tradovate password is not stored');
    if (sec === undefined) throw new Error('the Tradovate API secret is not stored');
    const parsed = TradovateConfig.safeParse({
      ...entry.options,
      kind: 'tradovate',
      id: entry.id,
      label: entry.label,
      mode: entry.mode,
      urls: entry.urls,
      password,
      sec,
    });
    if (!parsed.success) throw new Error(configProblem(parsed.error));
    return new TradovateConnection(parsed.data, deps);
  },
};
