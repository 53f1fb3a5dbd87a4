/**
 * Which adapter serves which connection config, and what each kind declares about itself: its
 * form (fields, secrets, environments) and how a saved entry plus its secrets becomes a
 * `Connection`. The paper broker is built by the engine itself. A kind whose adapter does not
 * exist yet is declared `available: false` and can never be built.
 *
 * `connectionsFromEnv` reads `PEREGRINE_CONNECTIONS` (a JSON array of configs; a
 * `sessionCookieEnv` field names the variable holding the secret, never the JSON itself).
 * Profiles (`--profile FILE`) are the documented way; the variable stays for scripts.
 */
import { z } from 'zod';
import type { ConfigField, ConnectionKindInfo } from '../../../shared/contract';
import type { AccountMode } from '../../../shared/domain';
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
    const mode = parsed.data.mode ?? defaultModeOf(parsed.data.kind);
    const transport = transportProblem(parsed.data.url, mode);
    if (transport !== null) throw new Error(`PEREGRINE_CONNECTIONS[${i}]: url: ${transport}`);
    return parsed.data;
  });
}

// ---- transport ---------------------------------------------------------------------------------

/** Hosts on this machine: a cookie sent there in clear text never crosses a network. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * Why `url` must not carry a secret for a connection in `mode`, or null when it may. Live and
 * demo credentials are real accounts: they go only over wss://, unless the gateway runs on this
 * machine. Paper endpoints (simulators) may use ws:// anywhere.
 */
export function transportProblem(url: string | undefined, mode: AccountMode): string | null {
  if (url === undefined || mode === 'paper') return null;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return 'is not a valid address';
  }
  if (protocol === 'wss:' || isLoopbackUrl(url)) return null;
  return `a ${mode} connection must use an encrypted wss:// address (ws:// is only allowed for 127.0.0.1, ::1 or localhost), so its credentials are never sent in clear text`;
}

// ---- kinds -------------------------------------------------------------------------------------

/** A saved or declared connection, minus its secrets: what a kind builds a Connection from. */
export interface ConnectionEntryConfig {
  id: string;
  label: string;
  mode: AccountMode;
  url?: string;
  urls: Record<string, string>;
  /** Kind-specific non-secret values (form fields other than `url`, adapter tuning). */
  options: Record<string, unknown>;
}

/** Resolved secrets of one connection (a profile's ConnectionSecrets, or a plain lookup). */
export interface SecretLookup {
  get(name: string): string | undefined;
}

export interface ConnectionKindSpec {
  info: ConnectionKindInfo;
  /** Zod schema of the non-secret form values (by field name). */
  fieldsSchema: z.ZodType<Record<string, string | undefined>>;
  /** Builds the adapter; throws a readable error (never quoting a secret) on a bad config. */
  build?(entry: ConnectionEntryConfig, secrets: SecretLookup, deps: ConnectionDeps): Connection;
}

/** Secret fields of a kind, by name. */
export function secretFields(info: ConnectionKindInfo): ConfigField[] {
  return info.fields.filter((f) => f.type === 'secret');
}

const wsUrl = z.string().regex(/^wss?:\/\/[^\s/]+/, 'must be a ws:// or wss:// address');
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const notYet = (kind: string, title: string): ConnectionKindSpec => ({
  info: {
    kind,
    title,
    available: false,
    unavailableReason: `The ${title} adapter is not available yet in this build.`,
    builtIn: false,
    modes: ['demo', 'live'],
    defaultMode: 'demo',
    fields: [],
  },
  fieldsSchema: z.record(z.string(), z.string().optional()),
});

export const connectionKinds: readonly ConnectionKindSpec[] = [
  {
    info: {
      kind: 'paper',
      title: 'Paper broker (built in)',
      available: true,
      builtIn: true,
      modes: ['paper'],
      defaultMode: 'paper',
      fields: [],
    },
    fieldsSchema: z.object({}),
  },
  {
    info: {
      kind: 'portfolio-stream',
      title: 'Portfolio stream gateway',
      available: true,
      builtIn: false,
      // Defaults to live: a gateway reporting real money must never be shown as paper by accident.
      modes: ['paper', 'demo', 'live'],
      defaultMode: 'live',
      fields: [
        {
          name: 'url',
          label: 'Gateway URL',
          type: 'url',
          required: true,
          placeholder: 'wss://host/ws/portfolio',
          help: 'The WebSocket endpoint of your portfolio-stream gateway.',
        },
        {
          name: 'sessionCookie',
          label: 'Session cookie',
          type: 'secret',
          required: true,
          help: 'Sent as the session cookie when connecting. Kept in the credential vault only.',
        },
        {
          name: 'userId',
          label: 'Expected user id',
          type: 'text',
          required: false,
          help: 'Optional: refuse events for any other user. Learned from the gateway when empty.',
        },
      ],
    },
    fieldsSchema: z.object({ url: wsUrl, userId: optionalText }),
    build(entry, secrets, deps) {
      // "session" is what early profiles called it; "sessionCookie" is the declared field.
      const sessionCookie = secrets.get('sessionCookie') ?? secrets.get('session');
      if (sessionCookie === undefined) throw new Error('the session cookie is not stored');
      const transport = transportProblem(entry.url, entry.mode);
      if (transport !== null) throw new Error(`Gateway URL: ${transport}`);
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
  },
  notYet('tradovate', 'Tradovate'),
  notYet('alpaca', 'Alpaca'),
  notYet('binance', 'Binance Spot'),
];

export function kindSpec(kind: string): ConnectionKindSpec | undefined {
  return connectionKinds.find((k) => k.info.kind === kind);
}

/**
 * The mode a connection has when its config names none: the kind's declared default (live for
 * gateways, so real money is never shown as paper). An unknown kind is treated as live too.
 */
export function defaultModeOf(kind: string): AccountMode {
  return kindSpec(kind)?.info.defaultMode ?? 'live';
}

/** "url: must be a ws:// address" — paths and zod messages only, never an input value. */
function configProblem(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
