/**
 * The demo-exchange kind as the registry lists it — the template for a new kind: three named
 * endpoints (trading socket `url`, `urls.market`, `urls.rest`) with the simulator's addresses as
 * demo defaults, a user name option, a password secret bound to those endpoints' origins. Config:
 *
 *   { "kind": "demo-exchange", "id": "demo", "mode": "demo", "options": { "user": "alice" },
 *     "secrets": { "password": { "env": "DEMO_EXCHANGE_PASSWORD" } } }
 */
import { z } from 'zod';
import { configProblem, type ConnectionKindSpec, optionalFormText } from '../kind';
import { DemoExchangeConfig, DemoExchangeConnection } from './connection';

/** Where `npm run sim` serves the demo exchange (PORT_DEMO_TRADING, PORT_DEMO_MARKET). */
export const DEMO_EXCHANGE_DEFAULTS = {
  url: 'ws://127.0.0.1:7410/ws/trading',
  market: 'ws://127.0.0.1:7411/ws/market',
  rest: 'http://127.0.0.1:7410/api',
} as const;

export const demoExchangeKind: ConnectionKindSpec = {
  kind: 'demo-exchange',
  title: 'Demo exchange (template kind, simulator only)',
  available: true,
  builtIn: false,
  modes: ['demo'],
  defaultMode: 'demo',
  endpoints: [
    {
      name: 'url',
      label: 'Trading socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      defaults: { demo: DEMO_EXCHANGE_DEFAULTS.url },
      placeholder: DEMO_EXCHANGE_DEFAULTS.url,
    },
    {
      name: 'market',
      label: 'Market data socket',
      required: true,
      schemes: ['ws:', 'wss:'],
      defaults: { demo: DEMO_EXCHANGE_DEFAULTS.market },
      placeholder: DEMO_EXCHANGE_DEFAULTS.market,
    },
    {
      name: 'rest',
      label: 'REST base',
      required: true,
      schemes: ['http:', 'https:'],
      defaults: { demo: DEMO_EXCHANGE_DEFAULTS.rest },
      placeholder: DEMO_EXCHANGE_DEFAULTS.rest,
      help: 'Logins go to POST {rest}/session.',
    },
  ],
  secrets: [
    {
      name: 'password',
      label: 'Password',
      required: true,
      help: 'Sent to the REST base above only, to log in. Kept in the credential vault only.',
    },
  ],
  options: [{ name: 'user', label: 'User', required: true, type: 'text', placeholder: 'alice' }],
  optionsSchema: z.looseObject({ user: optionalFormText }),
  build(entry, secrets, deps) {
    const password = secrets.get('password');
    if (password === undefined) throw new Error('the password is not stored');
    const parsed = DemoExchangeConfig.safeParse({
      ...entry.options,
      kind: 'demo-exchange',
      id: entry.id,
      label: entry.label,
      url: entry.url,
      marketUrl: entry.urls.market,
      restUrl: entry.urls.rest,
      mode: entry.mode,
      password,
    });
    if (!parsed.success) throw new Error(configProblem(parsed.error));
    return new DemoExchangeConnection(parsed.data, deps);
  },
};
