/**
 * The one way an entry becomes a running Connection, whatever declared it (settings, a profile,
 * `PEREGRINE_CONNECTIONS`, the form's trial): the kind's spec checks and defaults its endpoints,
 * builds the adapter, and the result is wrapped in the redaction boundary.
 */
import {
  checkEndpoints,
  endpointUrls,
  kindSpec,
  type ConnectionDeps,
  type ConnectionEntryConfig,
  type ConnectionKindSpec,
  type SecretLookup,
} from '../brokers/registry';
import type { Connection } from '../connection';
import { originsOf, registerSecret, type CredentialVault } from '../credentials';
import { RedactedConnection } from './redacted';

/** A kind that can be built. */
export type BuildableKind = ConnectionKindSpec & { build: NonNullable<ConnectionKindSpec['build']> };

/** The spec of `kind` when it can be built; throws the reason it cannot. */
export function buildableKind(kind: string): BuildableKind {
  const spec = kindSpec(kind);
  if (spec === undefined) throw new Error(`Unknown connection kind "${kind}".`);
  const build = spec.build;
  if (!spec.available || build === undefined || spec.builtIn)
    throw new Error(spec.unavailableReason ?? `${spec.title} is not available.`);
  return { ...spec, build };
}

/** The entry with its endpoints checked and defaulted; throws every endpoint problem at once. */
export function checkedEntry(spec: ConnectionKindSpec, entry: ConnectionEntryConfig): ConnectionEntryConfig {
  const checked = checkEndpoints(spec, entry);
  if (checked.problems.length > 0) throw new Error(checked.problems.map((p) => p.message).join('; '));
  return checked.entry;
}

/** The origins an entry's secrets go to (after `checkedEntry`). */
export function entryOrigins(entry: ConnectionEntryConfig): string[] {
  return originsOf(endpointUrls(entry));
}

/** Builds the adapter behind the redaction boundary; throws a readable error (never a secret). */
export function buildConnection(
  spec: BuildableKind,
  entry: ConnectionEntryConfig,
  secrets: SecretLookup,
  deps: ConnectionDeps,
): Connection {
  // Known before the first byte is sent, so whatever the broker echoes is scrubbed, whatever
  // the adapter remembers to register.
  for (const s of spec.secrets) {
    const value = secrets.get(s.name);
    if (value !== undefined) registerSecret(value);
  }
  return new RedactedConnection(spec.build(checkedEntry(spec, entry), secrets, deps));
}

/**
 * The declared secrets of a saved connection from the vault, for `origins` only. Throws when a
 * required one is missing (`missing(label)` words it) or is bound to other origins
 * (SecretOriginError: the vault refuses and logs it).
 */
export async function vaultSecrets(
  vault: CredentialVault,
  spec: ConnectionKindSpec,
  connectionId: string,
  origins: readonly string[],
  missing: (label: string) => string,
): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  for (const field of spec.secrets) {
    const value = await vault.get(connectionId, field.name, origins);
    if (value !== null) secrets.set(field.name, value);
    else if (field.required) throw new Error(missing(field.label));
  }
  return secrets;
}
