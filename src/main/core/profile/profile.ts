/**
 * Profiles: a JSON file (`--profile FILE`) that declares connections and where their secrets
 * come from, so CI, scripts and hold-out checks start the terminal against a simulator without
 * a click. A profile never holds a secret itself: each secret names an environment variable or
 * says it is in the keychain — the entry saved in the connection manager under the same id, which
 * the vault hands out only for the addresses it was saved for (otherwise the connection is listed
 * with that problem and never started).
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
import {
  canonicalSecretName,
  checkEndpoints,
  defaultModeOf,
  endpointUrls,
  kindSpec,
} from '../brokers/registry';
import { originsOf } from '../credentials/origin';
import { MAX_SECRET_CHARS } from '../credentials/redaction';
import { SecretOriginError, type CredentialVault } from '../credentials/vault';
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
  /** Name the profile used → the kind's declared name, where they differ. */
  readonly #aliases: ReadonlyMap<string, string>;

  constructor(values: ReadonlyMap<string, string>, aliases: ReadonlyMap<string, string> = new Map()) {
    this.#values = values;
    this.#aliases = aliases;
  }

  /** By the kind's declared name, or by the name the profile used. */
  get(name: string): string | undefined {
    return this.#values.get(name) ?? this.#values.get(this.#aliases.get(name) ?? name);
  }

  /** The secret, or an error naming it (not its value) when the connection has none. */
  require(name: string): string {
    const value = this.get(name);
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
  /**
   * Why this connection may not run although the file is fine — a `{"keychain": true}` secret
   * that was saved for other addresses. The connection is listed with it, never started.
   */
  problem?: string;
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
    const spec = kindSpec(connection.kind);
    const base = connectionDefaults(connection);
    // The origins a vault secret may go to are those of the endpoints this entry will really use
    // (defaults for its mode included), so a profile cannot aim a stored secret elsewhere.
    const origins = originsOf(endpointUrls(spec === undefined ? base : checkEndpoints(spec, base).entry));
    const values = new Map<string, string>();
    const aliases = new Map<string, string>();
    const refused: string[] = [];
    for (const [given, source] of Object.entries(connection.secrets ?? {})) {
      const name = canonicalSecretName(spec, given);
      if (name !== given) aliases.set(given, name);
      const what = `connection "${connection.id}" secret "${given}"`;
      if ('env' in source) {
        const value = env[source.env];
        if (value === undefined || value === '') {
          missing.push(`${what}: environment variable ${source.env} is not set`);
        } else if (value.length > MAX_SECRET_CHARS) {
          missing.push(
            `${what}: environment variable ${source.env} is longer than ${MAX_SECRET_CHARS} characters`,
          );
        } else {
          onSecret(value);
          values.set(name, value);
        }
        continue;
      }
      let value: string | null;
      try {
        value = await vault.get(connection.id, name, origins);
      } catch (err) {
        if (!(err instanceof SecretOriginError)) throw err;
        refused.push(`${profile.file} may not use it: ${err.message}`);
        continue;
      }
      if (value === null) {
        const where =
          vault.backend === 'keychain'
            ? `this installation's entries in the OS keychain (save the connection once in the connection manager under the id "${connection.id}" with the same addresses)`
            : `the session's memory vault (${vault.reason ?? 'no keychain'})`;
        missing.push(`${what}: not stored in ${where}`);
      } else {
        values.set(name, value);
      }
    }
    resolved.push({
      ...base,
      secrets: new ConnectionSecrets(values, aliases),
      ...(refused.length === 0 ? {} : { problem: refused.join(' ') }),
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
