/**
 * Connections declared for this session only — by a profile (`--profile FILE`) or by
 * `PEREGRINE_CONNECTIONS` (read as profile entries) — as the ConnectionManager runs and lists
 * them. They are never written to settings; their secrets come from the environment or the
 * keychain, resolved before start-up.
 */
import { basename } from 'node:path';
import type { ConnectionDeps, ConnectionEntryConfig } from '../brokers/registry';
import type { Connection } from '../connection';
import { ENV_VARIABLE, type ResolvedConnection } from '../profile';
import { buildConnection, buildableKind } from './build';

export interface SessionConnection extends ConnectionEntryConfig {
  kind: string;
  enabled: boolean;
  source: 'profile' | 'environment';
  /** The profile's file name, or the variable's name. */
  sourceDetail: string;
  /** Names of the secrets it was given (values stay inside `create`). */
  secretNames: string[];
  /** Builds the Connection; throws a readable error (never quoting a secret). */
  create(deps: ConnectionDeps): Connection;
}

/**
 * Resolved connections (after `resolveSecrets`) of a profile file or of the environment
 * variable (`file` = `PEREGRINE_CONNECTIONS`). The paper entry means the built-in paper broker.
 */
export function sessionFromProfile(
  resolved: readonly ResolvedConnection[],
  file: string,
): SessionConnection[] {
  const fromEnv = file === ENV_VARIABLE;
  return resolved
    .filter((c) => c.kind !== 'paper')
    .map((c) => ({
      id: c.id,
      kind: c.kind,
      label: c.label,
      mode: c.mode,
      enabled: c.enabled,
      ...(c.url === undefined ? {} : { url: c.url }),
      urls: c.urls,
      options: c.options,
      source: fromEnv ? ('environment' as const) : ('profile' as const),
      sourceDetail: fromEnv ? ENV_VARIABLE : basename(file),
      secretNames: c.secrets.names(),
      create(deps: ConnectionDeps): Connection {
        if (c.problem !== undefined) throw new Error(c.problem);
        return buildConnection(buildableKind(c.kind), this, c.secrets, deps);
      },
    }));
}
