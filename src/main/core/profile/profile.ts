/**
 * Profiles: a JSON file (`--profile FILE`) that declares connections and where their secrets
 * come from, so CI, scripts and hold-out checks start the terminal against a simulator without
 * a click. A profile never holds a secret itself: each secret names an environment variable or
 * says it is in the keychain.
 *
 * {
 *   "connections": [
 *     { "kind": "paper", "id": "paper", "mode": "paper" },
 *     { "kind": "portfolio-stream", "id": "sim", "mode": "paper", "url": "ws://127.0.0.1:8101/ws/portfolio",
 *       "secrets": { "session": { "env": "PEREGRINE_SIM_SESSION" } } }
 *   ],
 *   "watchlist": ["ES", "NQ"],
 *   "alerts": { "rules": [{ "id": "loss", "kind": "pnl", "direction": "below", "threshold": -500 }],
 *               "limits": { "dailyLoss": 1000 } }
 * }
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { AlertsConfig } from '../../../shared/alerts';
import { AccountMode } from '../../../shared/domain';
import { defaultModeOf } from '../brokers/registry';
import type { CredentialVault } from '../credentials/vault';
import { describeIssues, parseJsonText } from '../settings/json-file';
import {
  ConnectionId,
  ConnectionOptions,
  refineUniqueConnectionIds,
  SecretName,
  type ConnectionSettings,
} from '../settings/schema';

const EnvSecret = z.strictObject({
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
});
const KeychainSecret = z.strictObject({ keychain: z.literal(true) });
// One custom message for any other shape: zod's own union report would be long, and a literal
// secret pasted here must not be echoed back.
export const SecretSource = z.union([EnvSecret, KeychainSecret], {
  error: 'must be { "env": "VARIABLE_NAME" } or { "keychain": true } — never the secret itself',
});
export type SecretSource = z.infer<typeof SecretSource>;

export const ProfileConnection = z.strictObject({
  kind: z.string().min(1),
  id: ConnectionId,
  label: z.string().optional(),
  /**
   * Defaults to the kind's declared default (`defaultModeOf`): live for gateways, so a profile
   * that forgets `mode` never shows real money as demo or paper.
   */
  mode: AccountMode.optional(),
  enabled: z.boolean().optional(),
  url: z.url().optional(),
  urls: z.record(z.string(), z.url()).optional(),
  options: ConnectionOptions.optional(),
  secrets: z.record(SecretName, SecretSource).optional(),
});
export type ProfileConnection = z.infer<typeof ProfileConnection>;

export const ProfileSchema = z
  .strictObject({
    connections: z.array(ProfileConnection),
    watchlist: z.array(z.string().min(1)).optional(),
    /** Alert rules and risk limits for the session (CI starts with rules set); never saved. */
    alerts: AlertsConfig.optional(),
  })
  .superRefine(refineUniqueConnectionIds);

export interface Profile extends z.infer<typeof ProfileSchema> {
  /** Absolute or as-given path of the file it came from, for messages. */
  file: string;
}

export class ProfileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Profile ${file}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`);
    this.name = 'ProfileError';
  }
}

/** Reads and validates a profile; throws ProfileError naming the file and each bad field. */
export function loadProfile(file: string): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new ProfileError(file, [`cannot be read (${code})`]);
  }
  return parseProfile(text, file);
}

export function parseProfile(text: string, file: string): Profile {
  const json = parseJsonText(text);
  if (!json.ok) throw new ProfileError(file, [`is ${json.message}`]);
  const parsed = ProfileSchema.safeParse(json.value);
  if (!parsed.success) throw new ProfileError(file, describeIssues(parsed.error));
  return { ...parsed.data, file };
}

/** `--profile FILE` or `--profile=FILE` from a host's argv; undefined when absent. */
export function profilePathFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--profile') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error('--profile needs a file path');
      return value;
    }
    if (arg?.startsWith('--profile=')) return arg.slice('--profile='.length);
  }
  return undefined;
}

const REDACTED = '[redacted]';

/**
 * Resolved secret values of one connection. Serializing or inspecting it (a log line, an error
 * report, JSON over a wire) shows names only, so a config object can be logged safely by mistake.
 */
export class ConnectionSecrets {
  readonly #values: ReadonlyMap<string, string>;

  constructor(values: ReadonlyMap<string, string>) {
    this.#values = values;
  }

  get(name: string): string | undefined {
    return this.#values.get(name);
  }

  /** The secret, or an error naming it (not its value) when the connection has none. */
  require(name: string): string {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`secret "${name}" is not configured for this connection`);
    return value;
  }

  names(): string[] {
    return [...this.#values.keys()];
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.names().map((name) => [name, REDACTED]));
  }

  toString(): string {
    return `ConnectionSecrets(${this.names().join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** A connection ready for its adapter: defaults applied, secrets filled in. */
export interface ResolvedConnection {
  id: string;
  kind: string;
  label: string;
  mode: AccountMode;
  enabled: boolean;
  url?: string;
  urls: Record<string, string>;
  options: Record<string, z.core.util.JSONType>;
  secrets: ConnectionSecrets;
}

/**
 * Fills in each connection's secrets from the environment variable it names, or from the
 * credential vault. Every missing secret is reported at once, by connection, secret name and
 * variable name — never a value.
 */
export async function resolveSecrets(
  profile: Profile,
  env: Readonly<Record<string, string | undefined>>,
  vault: CredentialVault,
  /** Called with every resolved secret, so the host can scrub it from log text (log.ts `registerSecret`). */
  onSecret: (secret: string) => void = () => undefined,
): Promise<ResolvedConnection[]> {
  const missing: string[] = [];
  const resolved: ResolvedConnection[] = [];
  for (const connection of profile.connections) {
    const values = new Map<string, string>();
    for (const [name, source] of Object.entries(connection.secrets ?? {})) {
      if ('env' in source) {
        const value = env[source.env];
        if (value === undefined || value === '') {
          missing.push(
            `connection "${connection.id}" secret "${name}": environment variable ${source.env} is not set`,
          );
        } else {
          onSecret(value);
          values.set(name, value);
        }
      } else {
        const value = await vault.get(connection.id, name);
        if (value === null) {
          const where =
            vault.backend === 'keychain'
              ? 'the OS keychain'
              : `the session's memory vault (${vault.reason ?? 'no keychain'})`;
          missing.push(`connection "${connection.id}" secret "${name}": not stored in ${where}`);
        } else {
          values.set(name, value);
        }
      }
    }
    resolved.push({
      ...connectionDefaults(connection),
      secrets: new ConnectionSecrets(values),
    });
  }
  if (missing.length > 0) throw new ProfileError(profile.file, missing);
  return resolved;
}

/**
 * The settings form of a profile connection (secrets as presence only), for listing profile
 * connections beside saved ones in the connection manager.
 */
export function toConnectionSettings(connection: ProfileConnection): ConnectionSettings {
  const base = connectionDefaults(connection);
  return {
    ...base,
    secrets: Object.fromEntries(
      Object.keys(connection.secrets ?? {}).map((name) => [name, { stored: true as const }]),
    ),
  };
}

function connectionDefaults(connection: ProfileConnection): Omit<ResolvedConnection, 'secrets'> {
  return {
    id: connection.id,
    kind: connection.kind,
    label: connection.label ?? connection.id,
    mode: connection.mode ?? defaultModeOf(connection.kind),
    enabled: connection.enabled ?? true,
    ...(connection.url === undefined ? {} : { url: connection.url }),
    urls: connection.urls ?? {},
    options: connection.options ?? {},
  };
}
