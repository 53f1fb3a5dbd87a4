/**
 * Connections declared for this session only — by a profile (`--profile FILE`) or by
 * `PEREGRINE_CONNECTIONS` — as the ConnectionManager runs and lists them. They are never written
 * to settings; their secrets come from the environment or the keychain, resolved before start-up.
 */
import { basename } from 'node:path';
import type { AccountMode } from '../../../shared/domain';
import {
  createConnection,
  defaultModeOf,
  kindSpec,
  type ConnectionConfig,
  type ConnectionDeps,
  type ConnectionEntryConfig,
} from '../brokers/registry';
import type { Connection } from '../connection';
import type { ResolvedConnection } from '../profile';

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

/** Profile connections after `resolveSecrets`. The paper entry means the built-in paper broker. */
export function sessionFromProfile(
  resolved: readonly ResolvedConnection[],
  file: string,
): SessionConnection[] {
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
      source: 'profile' as const,
      sourceDetail: basename(file),
      secretNames: c.secrets.names(),
      create(deps: ConnectionDeps): Connection {
        const spec = kindSpec(c.kind);
        if (spec?.build === undefined || !spec.info.available)
          throw new Error(spec?.info.unavailableReason ?? `Unknown connection kind "${c.kind}".`);
        return spec.build(this, c.secrets, deps);
      },
    }));
}

/** `PEREGRINE_CONNECTIONS` configs (already validated, secrets already read from their variables). */
export function sessionFromEnv(configs: readonly ConnectionConfig[]): SessionConnection[] {
  return configs.map((config) => {
    const { kind, id, label, url, mode, sessionCookie: _secret, ...options } = config;
    return {
      id,
      kind,
      label: label ?? id,
      mode: (mode ?? defaultModeOf(kind)) satisfies AccountMode,
      enabled: true,
      url,
      urls: {},
      options,
      source: 'environment' as const,
      sourceDetail: 'PEREGRINE_CONNECTIONS',
      secretNames: ['sessionCookie'],
      create: (deps: ConnectionDeps) => createConnection(config, deps),
    };
  });
}
