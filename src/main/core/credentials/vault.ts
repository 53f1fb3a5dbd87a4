/**
 * The credential vault: where connection secrets (API keys, passwords, session cookies, JWTs)
 * live. Backed by the OS keychain (macOS Keychain, Windows Credential Manager, Linux Secret
 * Service) through @napi-rs/keyring; where no keychain answers, by process memory for this
 * session only. A secret is never written to disk by us and never appears in a log line or an
 * error message: those name the connection id and the secret's key, nothing more.
 *
 * `get` is for the main process only (adapters authenticating). The hosts expose `set`, `has`
 * and `delete` to the UI and never `get`.
 */
import { randomUUID } from 'node:crypto';
import { AsyncEntry } from '@napi-rs/keyring';
import type { Logger } from 'pino';

export type VaultBackend = 'keychain' | 'memory';

export interface CredentialVault {
  /** Where secrets go: the OS keychain, or this process's memory (lost when it exits). */
  readonly backend: VaultBackend;
  /** Set when `backend` is 'memory': why, in words fit for the UI. */
  readonly reason?: string;
  set(connectionId: string, key: string, secret: string): Promise<void>;
  has(connectionId: string, key: string): Promise<boolean>;
  /** Main process only. Never expose over IPC, never log the result. */
  get(connectionId: string, key: string): Promise<string | null>;
  /** True when a secret was removed, false when there was none. */
  delete(connectionId: string, key: string): Promise<boolean>;
}

export type VaultLogger = Pick<Logger, 'info' | 'warn'>;

export interface OpenVaultOptions {
  /** Keychain service name every entry is filed under. */
  service?: string;
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

/** Keychain account name for one secret of one connection. */
export function accountName(connectionId: string, key: string): string {
  checkName('connection id', connectionId);
  checkName('secret key', key);
  return `${connectionId}/${key}`;
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
  const { logger } = options;
  const failure = await probeKeychain(service, options.probeTimeoutMs ?? 5_000);
  if (failure === null) {
    logger.info({ backend: 'keychain', service }, 'credential vault: OS keychain');
    return new KeychainVault(service, logger, options.onSecret);
  }
  logger.warn(
    { backend: 'memory', service, reason: failure.reason, cause: failure.detail },
    'credential vault: no OS keychain, secrets are kept in memory for this session only',
  );
  return new MemoryVault(logger, failure.reason, options.onSecret);
}

/** A vault that never touches the OS keychain: for tests and for explicitly ephemeral sessions. */
export function memoryVault(
  logger: VaultLogger,
  reason: string,
  onSecret?: (secret: string) => void,
): CredentialVault {
  return new MemoryVault(logger, reason, onSecret);
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

class KeychainVault implements CredentialVault {
  readonly backend = 'keychain';

  constructor(
    private readonly service: string,
    private readonly logger: VaultLogger,
    private readonly onSecret: (secret: string) => void = () => undefined,
  ) {}

  async set(connectionId: string, key: string, secret: string): Promise<void> {
    this.onSecret(secret);
    await this.run('store', connectionId, key, (entry) => entry.setPassword(secret));
    this.logger.info({ connectionId, key, backend: this.backend }, 'credential stored');
  }

  async has(connectionId: string, key: string): Promise<boolean> {
    return (await this.get(connectionId, key)) !== null;
  }

  async get(connectionId: string, key: string): Promise<string | null> {
    const secret = await this.run('read', connectionId, key, (entry) => entry.getPassword());
    if (secret !== null) this.onSecret(secret);
    return secret;
  }

  async delete(connectionId: string, key: string): Promise<boolean> {
    const removed = await this.run('delete', connectionId, key, (entry) => entry.deletePassword());
    if (removed) this.logger.info({ connectionId, key, backend: this.backend }, 'credential deleted');
    return removed;
  }

  // Errors name the operation, connection and key; the keychain's own message never holds the
  // secret (it is passed to the library, not formatted into anything).
  private async run<T>(
    op: string,
    connectionId: string,
    key: string,
    action: (entry: AsyncEntry) => Promise<T>,
  ): Promise<T> {
    const account = accountName(connectionId, key);
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
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly logger: VaultLogger,
    readonly reason: string,
    private readonly onSecret: (secret: string) => void = () => undefined,
  ) {}

  async set(connectionId: string, key: string, secret: string): Promise<void> {
    this.onSecret(secret);
    this.secrets.set(accountName(connectionId, key), secret);
    this.logger.info({ connectionId, key, backend: this.backend }, 'credential stored (memory only)');
  }

  async has(connectionId: string, key: string): Promise<boolean> {
    return this.secrets.has(accountName(connectionId, key));
  }

  async get(connectionId: string, key: string): Promise<string | null> {
    return this.secrets.get(accountName(connectionId, key)) ?? null;
  }

  async delete(connectionId: string, key: string): Promise<boolean> {
    const removed = this.secrets.delete(accountName(connectionId, key));
    if (removed) this.logger.info({ connectionId, key, backend: this.backend }, 'credential deleted');
    return removed;
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
