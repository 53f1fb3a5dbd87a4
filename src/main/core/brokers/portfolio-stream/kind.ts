/**
 * The portfolio-stream kind as the registry lists it: one socket endpoint, one session cookie,
 * an optional expected user id. Its config shape is public (profiles, settings,
 * `PEREGRINE_CONNECTIONS`): `{ kind, id, url, mode?, secrets: { sessionCookie | session } }`
 * plus adapter tuning (`backoff`, `heartbeatMs`, …) under options.
 */
import { z } from 'zod';
import { configProblem, type ConnectionKindSpec, optionalFormText } from '../kind';
import { PortfolioStreamConfig, PortfolioStreamConnection } from './connection';

export const portfolioStreamKind: ConnectionKindSpec = {
  kind: 'portfolio-stream',
  title: 'Portfolio stream gateway',
  available: true,
  builtIn: false,
  // Defaults to live: a gateway reporting real money must never be shown as paper by accident.
  modes: ['paper', 'demo', 'live'],
  defaultMode: 'live',
  endpoints: [
    {
      name: 'url',
      label: 'Gateway URL',
      required: true,
      schemes: ['ws:', 'wss:'],
      placeholder: 'wss://host/ws/portfolio',
      help: 'The WebSocket endpoint of your portfolio-stream gateway.',
    },
  ],
  secrets: [
    {
      name: 'sessionCookie',
      label: 'Session cookie',
      required: true,
      help: 'Sent as the session cookie when connecting. Kept in the credential vault only.',
      // "session" is what early profiles called it.
      aliases: ['session'],
    },
  ],
  options: [
    {
      name: 'userId',
      label: 'Expected user id',
      required: false,
      type: 'text',
      help: 'Optional: refuse events for any other user. Learned from the gateway when empty.',
    },
  ],
  optionsSchema: z.looseObject({ userId: optionalFormText }),
  build(entry, secrets, deps) {
    const sessionCookie = secrets.get('sessionCookie');
    if (sessionCookie === undefined) throw new Error('the session cookie is not stored');
    const parsed = PortfolioStreamConfig.safeParse({
      ...entry.options,
      kind: 'portfolio-stream',
      id: entry.id,
      label: entry.label,
      url: entry.url,
      mode: entry.mode,
      sessionCookie,
    });
    if (!parsed.success) throw new Error(configProblem(parsed.error));
    return new PortfolioStreamConnection(parsed.data, deps);
  },
};
