/**
 * The credential vault: where connection secrets (API keys, passwords, session cookies, JWTs)
 * live. Backed by the OS keychain (macOS Keychain, Windows Credential Manager, Linux Secret
 * Service) through @napi-rs/keyring; where no keychain answers, by process memory for this
 * session only. A secret is never written to disk by us and never appears in a log line or an
 * error message: those name the connection id and the secret's key, nothing more.
 *
 * Each secret is stored with the origins (`wss://host:port`) it was saved for, and `get` hands it
 * out only for those: whatever path asks (a saved connection, a profile's `{"keychain": true}`, a
 * settings file edited by hand, the environment), a secret never goes to an address it was not
 * typed for. Entries are namespaced per installation (data directory), so two instances never
 * read or overwrite each other's secrets.
 *
 * `get` is for the main process only (adapters authenticating). The hosts expose `set`, `has`
 * and `delete` to the UI and never `get`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import type { Logger } from 'pino';
import { z } from 'zod';
import { originsOutside } from './origin';
import { MAX_SECRET_CHARS } from './redaction';

export type VaultBackend = 'keychain' | 'memory';

export interface CredentialVault {
  /** Where secrets go: the OS keychain, or this process's memory (lost when it exits). */
  readonly backend: VaultBackend;
  /** Set when `backend` is 'memory': why, in words fit for the UI. */
  readonly reason?: string;
  /** This installation's namespace: entries of other data directories are invisible. */
  readonly namespace: string;
  /** Stores `secret` for use with exactly `origins` (the connection's endpoints' origins). */
  set(connectionId: string, key: string, secret: string, origins: readonly string[]): Promise<void>;
  has(connectionId: string, key: string): Promise<boolean>;
  /**
   * Main process only. Never expose over IPC, never log the result. The secret, or null when none
   * is stored; throws SecretOriginError when it would go to an origin it was not saved for.
   */
  get(connectionId: string, key: string, forOrigins: readonly string[]): Promise<string | null>;
  /** The origins a stored secret is bound to, or null when none is stored. */
  origins(connectionId: string, key: string): Promise<string[] | null>;
  /** True when a secret was removed, false when there was none. */
  delete(connectionId: string, key: string): Promise<boolean>;
  /**
   * Moves a secret stored by a build before namespacing (account `id/key`, no origins) into this
   * installation, bound to `origins`, and deletes the old entry. False when there was none.
   */
  adoptLegacy(connectionId: string, key: string, origins: readonly string[]): Promise<boolean>;
}

/** A stored secret asked for by a connection whose addresses it was not saved for. */
export class SecretOriginError extends Error {
  constructor(
    readonly connectionId: string,
    readonly key: string,
    readonly allowed: readonly string[],
    readonly refused: readonly string[],
  ) {
    super(
      `The stored secret "${key}" of "${connectionId}" was saved for ${
        allowed.length === 0 ? 'no address' : allowed.join(', ')
      }; it is not sent to ${refused.join(', ')}. Enter it again for the new address (edit the connection) to allow that.`,
    );
    this.name = 'SecretOriginError';
  }
}

export type VaultLogger = Pick<Logger, 'info' | 'warn'>;

export interface OpenVaultOptions {
  /** Keychain service name every entry is filed under. */
  service?: string;
  /** This installation's namespace (`installationId(dataDir)`); tests may pass their own. */
  namespace?: string;
  logger: VaultLogger;
  /** Give up on a keychain that does not answer within this time (a locked or hung daemon). */
  probeTimeoutMs?: number;
  /**
   * Called with every secret stored or read, so the host can scrub it from free-text log lines
   * (log.ts `registerSecret`).
   */
  onSecret?: (secret: string) => void;
}

export const DEFAULT_SERVICE = 'Peregrine';
const PROBE_ACCOUNT_PREFIX = '__peregrine-probe__';
const OPERATION_TIMEOUT_MS = 10_000;

export const NO_SECRET_SERVICE_REASON =
  'No Secret Service is running: secrets are kept in memory for this session only';

/** The namespace of a vault opened without one (tests, embedding). */
export const DEFAULT_NAMESPACE = 'default';
const NAMESPACE = /^[A-Za-z0-9-]{1,64}$/;
const INSTALLATION_FILE = 'installation-id';

/**
 * This data directory's installation id (a random UUID kept in `installation-id`, 0600), made on
 * first use. A random id rather than a hash of the path: moving the data directory keeps its
 * secrets, and two directories never share one.
 */
export function installationId(dataDir: string): string {
  const file = join(dataDir, INSTALLATION_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (NAMESPACE.test(existing)) return existing;
  } catch {
    // Not made yet.
  }
  const id = randomUUID();
  try {
    writeFileSync(file, `${id}\n`, { mode: 0o600, flag: 'wx' });
    return id;
  } catch {
    // Another process made it first (or the file was unusable and we may not replace it).
    const again = readFileSync(file, 'utf8').trim();
    if (!NAMESPACE.test(again)) throw new Error(`${file} does not hold an installation id`);
    return again;
  }
}

/** Keychain account name for one secret of one connection in one installation. */
export function accountName(
  connectionId: string,
  key: string,
  namespace: string = DEFAULT_NAMESPACE,
): string {
  if (!NAMESPACE.test(namespace)) throw new Error(`Invalid vault namespace ${JSON.stringify(namespace)}`);
  return `${namespace}/${legacyAccountName(connectionId, key)}`;
}

/** The account name builds before namespacing used: `id/key`. */
function legacyAccountName(connectionId: string, key: string): string {
  checkName('connection id', connectionId);
  checkName('secret key', key);
  return `${connectionId}/${key}`;
}

/** What the keychain holds per entry: the secret and the origins it was saved for. */
const StoredSecret = z.object({
  v: z.literal(1),
  origins: z.array(z.string()),
  secret: z.string().min(1),
});
type StoredSecret = z.infer<typeof StoredSecret>;

function encode(record: StoredSecret): string {
  return JSON.stringify(record);
}

/** A namespaced entry not in our format (written by hand) is bound to no origin at all. */
function decode(raw: string): StoredSecret {
  try {
    const parsed = StoredSecret.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: fall through.
  }
  return { v: 1, origins: [], secret: raw };
}

function checkSecret(secret: string): void {
  if (secret.length === 0) throw new Error('A secret cannot be empty');
  if (secret.length > MAX_SECRET_CHARS)
    throw new Error(`A secret may be at most ${MAX_SECRET_CHARS} characters`);
}

// '/' separates the two parts of the account name, so neither part may contain it
// (otherwise "a/b"+"c" and "a"+"b/c" would share one keychain entry).
function checkName(what: string, value: string): void {
  if (value.length === 0 || value.length > 200 || value.includes('/')) {
    throw new Error(`Invalid ${what} ${JSON.stringify(value)}: 1–200 characters, no "/"`);
  }
}

/**
 * Opens the OS keychain if it answers a write/read/delete of a throwaway entry, otherwise a
 * memory-only vault whose `reason` says why. Never throws for an absent keychain.
 */
export async function openVault(options: OpenVaultOptions): Promise<CredentialVault> {
  const service = options.service ?? DEFAULT_SERVICE;
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const { logger } = options;
  const failure = await probeKeychain(service, options.probeTimeoutMs ?? 5_000);
  if (failure === null) {
    logger.info({ backend: 'keychain', service, namespace }, 'credential vault: OS keychain');
    return new KeychainVault(service, namespace, logger, options.onSecret);
  }
  logger.warn(
    { backend: 'memory', service, reason: failure.reason, cause: failure.detail },
    'credential vault: no OS keychain, secrets are kept in memory for this session only',
  );
  return new MemoryVault(logger, failure.reason, options.onSecret, namespace);
}

/** A vault that never touches the OS keychain: for tests and for explicitly ephemeral sessions. */
export function memoryVault(
  logger: VaultLogger,
  reason: string,
  onSecret?: (secret: string) => void,
): CredentialVault {
  return new MemoryVault(logger, reason, onSecret, DEFAULT_NAMESPACE);
}

interface ProbeFailure {
  reason: string;
  /** The keychain library's own error text, for the log (it never contains a secret of ours). */
  detail: string;
}

function keychainEntry(service: string, account: string): AsyncEntry {
  // On Linux the library would otherwise fall back silently to the kernel keyring, which forgets
  // everything at reboot while looking like a keychain to us. Require the Secret Service so that
  // "keychain" means persistent, and report memory-only honestly otherwise.
  return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
}

async function probeKeychain(service: string, timeoutMs: number): Promise<ProbeFailure | null> {
  const account = `${PROBE_ACCOUNT_PREFIX}/${randomUUID()}`;
  const value = randomUUID();
  try {
    const entry = keychainEntry(service, account);
    await withTimeout(entry.setPassword(value), timeoutMs);
    const readBack = await withTimeout(entry.getPassword(), timeoutMs);
    await withTimeout(entry.deletePassword(), timeoutMs);
    if (readBack !== value) {
      return {
        reason:
          'The OS keychain did not return what was stored: secrets are kept in memory for this session only',
        detail: 'probe read-back mismatch',
      };
    }
    return null;
  } catch (error) {
    const detail = errorText(error);
    if (process.platform === 'linux') {
      // No session bus, or nobody owns org.freedesktop.secrets on it.
      if (/DBus error|Failed to connect|ServiceUnknown|not provided by any/i.test(detail)) {
        return { reason: NO_SECRET_SERVICE_REASON, detail };
      }
      // A Secret Service answered but would not keep a secret (no default keyring, locked, …).
      return {
        reason: `The Secret Service has no usable keyring (${detail}): secrets are kept in memory for this session only`,
        detail,
      };
    }
    return {
      reason: `The OS keychain did not answer (${detail}): secrets are kept in memory for this session only`,
      detail,
    };
  }
}

/** The origin check every `get` passes through, whichever backend holds the secret. */
function handOut(
  logger: VaultLogger,
  connectionId: string,
  key: string,
  record: StoredSecret,
  forOrigins: readonly string[],
): string {
  const refused = originsOutside(forOrigins, record.origins);
  if (refused.length === 0) return record.secret;
  logger.warn(
    { connectionId, key, allowed: record.origins, refused },
    'credential refused: it was not saved for this address',
  );
  throw new SecretOriginError(connectionId, key, record.origins, refused);
}

class KeychainVault implements CredentialVault {
  readonly backend = 'keychain';

  constructor(
    private readonly service: string,
    readonly namespace: string,
    private readonly logger: VaultLogger,
    private readonly onSecret: (secret: string) => void = () => undefined,
  ) {}

  async set(connectionId: string, key: string, secret: string, origins: readonly string[]): Promise<void> {
    checkSecret(secret);
    this.onSecret(secret);
    const record = encode({ v: 1, origins: [...origins].sort(), secret });
    await this.run('store', connectionId, key, (entry) => entry.setPassword(record));
    this.logger.info({ connectionId, key, origins, backend: this.backend }, 'credential stored');
  }

  async has(connectionId: string, key: string): Promise<boolean> {
    return (await this.read(connectionId, key)) !== null;
  }

  async get(connectionId: string, key: string, forOrigins: readonly string[]): Promise<string | null> {
    const record = await this.read(connectionId, key);
    if (record === null) return null;
    this.onSecret(record.secret);
    return handOut(this.logger, connectionId, key, record, forOrigins);
  }

  async origins(connectionId: string, key: string): Promise<string[] | null> {
    return (await this.read(connectionId, key))?.origins ?? null;
  }

  async delete(connectionId: string, key: string): Promise<boolean> {
    const removed = await this.run('delete', connectionId, key, (entry) => entry.deletePassword());
    if (removed) this.logger.info({ connectionId, key, backend: this.backend }, 'credential deleted');
    return removed;
  }

  async adoptLegacy(connectionId: string, key: string, origins: readonly string[]): Promise<boolean> {
    const legacy = keychainEntry(this.service, legacyAccountName(connectionId, key));
    let secret: string | null;
    try {
      secret = (await withTimeout(legacy.getPassword(), OPERATION_TIMEOUT_MS)) ?? null;
    } catch (error) {
      this.logger.warn({ connectionId, key, cause: errorText(error) }, 'legacy credential unreadable');
      return false;
    }
    if (secret === null || secret === '') return false;
    if ((await this.read(connectionId, key)) === null) await this.set(connectionId, key, secret, origins);
    // Deleted even when this installation already had its own: an un-namespaced entry would
    // otherwise stay readable by whichever instance looks next.
    await withTimeout(legacy.deletePassword(), OPERATION_TIMEOUT_MS).catch(() => false);
    this.logger.info({ connectionId, key, origins }, 'credential moved into this installation');
    return true;
  }

  private async read(connectionId: string, key: string): Promise<StoredSecret | null> {
    const raw = await this.run('read', connectionId, key, (entry) => entry.getPassword());
    return raw === null || raw === undefined ? null : decode(raw);
  }

  // Errors name the operation, connection and key; the keychain's own message never holds the
  // secret (it is passed to the library, not formatted into anything).
  private async run<T>(
    op: string,
    connectionId: string,
    key: string,
    action: (entry: AsyncEntry) => Promise<T>,
  ): Promise<T> {
    const account = accountName(connectionId, key, this.namespace);
    try {
      // The entry is built per call: its constructor is where a vanished Secret Service shows up.
      return await withTimeout(action(keychainEntry(this.service, account)), OPERATION_TIMEOUT_MS);
    } catch (error) {
      const detail = errorText(error);
      this.logger.warn({ connectionId, key, op, cause: detail }, 'credential vault operation failed');
      throw new Error(
        `Could not ${op} secret "${key}" of connection "${connectionId}" in the OS keychain: ${detail}`,
        {
          cause: error,
        },
      );
    }
  }
}

class MemoryVault implements CredentialVault {
  readonly backend = 'memory';
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(
    private readonly logger: VaultLogger,
    readonly reason: string,
    private readonly onSecret: (secret: string) => void = () => undefined,
    readonly namespace: string = DEFAULT_NAMESPACE,
  ) {}

  async set(connectionId: string, key: string, secret: string, origins: readonly string[]): Promise<void> {
    checkSecret(secret);
    this.onSecret(secret);
    this.secrets.set(accountName(connectionId, key, this.namespace), {
      v: 1,
      origins: [...origins].sort(),
      secret,
    });
    this.logger.info(
      { connectionId, key, origins, backend: this.backend },
      'credential stored (memory only)',
    );
  }

  async has(connectionId: string, key: string): Promise<boolean> {
    return this.secrets.has(accountName(connectionId, key, this.namespace));
  }

  async get(connectionId: string, key: string, forOrigins: readonly string[]): Promise<string | null> {
    const record = this.secrets.get(accountName(connectionId, key, this.namespace));
    return record === undefined ? null : handOut(this.logger, connectionId, key, record, forOrigins);
  }

  async origins(connectionId: string, key: string): Promise<string[] | null> {
    return this.secrets.get(accountName(connectionId, key, this.namespace))?.origins ?? null;
  }

  async delete(connectionId: string, key: string): Promise<boolean> {
    const removed = this.secrets.delete(accountName(connectionId, key, this.namespace));
    if (removed) this.logger.info({ connectionId, key, backend: this.backend }, 'credential deleted');
    return removed;
  }

  /** Nothing outlives a memory vault, so there is nothing older to adopt. */
  async adoptLegacy(): Promise<boolean> {
    return false;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(pending: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
