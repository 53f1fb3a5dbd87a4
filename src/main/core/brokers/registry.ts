/**
 * Which adapter serves which connection config. The paper broker is built by the engine itself;
 * everything declared by the user comes through here. `connectionsFromEnv` is a stopgap until
 * connection profiles land: `PEREGRINE_CONNECTIONS` holds a JSON array of configs, and a
 * `sessionCookieEnv` field names the variable that holds the secret (never put it in the JSON).
 */
import { z } from 'zod';
import type { Connection } from '../connection';
import { registerSecret } from '../log';
import {
  type ConnectionDeps,
  PortfolioStreamConfig,
  PortfolioStreamConnection,
} from './portfolio-stream/connection';

export const ConnectionConfig = z.discriminatedUnion('kind', [PortfolioStreamConfig]);
export type ConnectionConfig = z.infer<typeof ConnectionConfig>;
export type { ConnectionDeps };

export function createConnection(config: ConnectionConfig, deps: ConnectionDeps = {}): Connection {
  switch (config.kind) {
    case 'portfolio-stream':
      return new PortfolioStreamConnection(config, deps);
  }
}

/** A config as written in the environment: the secret comes from another variable. */
const EnvEntry = z.looseObject({
  kind: z.string(),
  sessionCookieEnv: z.string().optional(),
});

/**
 * Configs from `PEREGRINE_CONNECTIONS`. Throws with a readable message on bad JSON, an unknown
 * kind or a missing secret: a misconfigured connection should stop start-up, not vanish silently.
 */
export function connectionsFromEnv(
  env: Record<string, string | undefined> = process.env,
): ConnectionConfig[] {
  const raw = env.PEREGRINE_CONNECTIONS;
  if (raw === undefined || raw.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('PEREGRINE_CONNECTIONS is not valid JSON (expected an array of connection configs)');
  }
  const entries = z.array(EnvEntry).safeParse(json);
  if (!entries.success)
    throw new Error('PEREGRINE_CONNECTIONS must be a JSON array of objects with a "kind"');
  return entries.data.map((entry, i) => {
    const { sessionCookieEnv, ...rest } = entry;
    const withSecret: Record<string, unknown> = { ...rest };
    if (sessionCookieEnv !== undefined) {
      const secret = env[sessionCookieEnv];
      if (secret === undefined || secret === '')
        throw new Error(
          `PEREGRINE_CONNECTIONS[${i}]: environment variable ${sessionCookieEnv} (session cookie) is not set`,
        );
      // Known before any connection exists, so scrub it from every log line from now on.
      registerSecret(secret);
      withSecret.sessionCookie = secret;
    }
    const parsed = ConnectionConfig.safeParse(withSecret);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `PEREGRINE_CONNECTIONS[${i}]: ${issue ? `${issue.path.join('.') || 'config'}: ${issue.message}` : 'invalid'}`,
      );
    }
    return parsed.data;
  });
}
