/**
 * What both hosts do at start-up before the engine runs: open the settings in the data
 * directory, open the credential vault, read a profile (`--profile FILE`) and
 * `PEREGRINE_CONNECTIONS` into session connections. Throws a readable error for a bad profile,
 * a missing secret or a clashing id: a misconfigured connection stops start-up rather than
 * silently vanishing from the UI.
 */
import { basename } from 'node:path';
import type { AlertsConfig } from '../../../shared/alerts';
import { installationId, openVault, type CredentialVault } from '../credentials';
import { registerSecret, type Logger } from '../log';
import { ENV_VARIABLE, loadProfile, profileFromEnv, resolveSecrets } from '../profile';
import { linkTuningFromEnv } from '../tuning';
import { ensurePrivateDir, openSettings, type CreateSettingsStore, type SettingsHandle } from '../settings';
import type { SessionWatchlist } from '../workspace';
import {
  allowListConfirmation,
  allowListRefusal,
  allowedOriginsFromEnv,
  type ConfirmNewOrigin,
  type NewOriginRequest,
} from './confirm';
import { ConnectionManager, PAPER_ID, type ManagedEngine } from './manager';
import { sessionFromProfile, type SessionConnection } from './session';

export interface OpenConnectionsOptions {
  dataDir: string;
  logger: Logger;
  /** electron-store in the desktop app; `conf` (the same library underneath) by default. */
  createStore?: CreateSettingsStore;
  /** `--profile FILE`. */
  profileFile?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Keychain service name (tests use their own). */
  vaultService?: string;
  /** An already opened vault (tests). */
  vault?: CredentialVault;
  /**
   * The host's "send credentials to this new origin?" question (the Electron host: a native
   * dialog). Absent: loopback plus the origins in PEREGRINE_ALLOWED_ORIGINS (the web host).
   */
  confirmNewOrigin?: ConfirmNewOrigin;
}

export interface OpenedConnections {
  settings: SettingsHandle;
  vault: CredentialVault;
  session: SessionConnection[];
  /** The profile's `watchlist`, when it gives one: this session's watchlist, not saved. */
  sessionWatchlist: SessionWatchlist | undefined;
  /** The profile's `alerts`, when it gives them: this session's rules and limits, not saved. */
  sessionAlerts: { config: AlertsConfig; source: string } | undefined;
  /** The manager for an engine; call `start()` on it once the engine exists. */
  manager(engine: ManagedEngine): ConnectionManager;
}

export async function openConnections(options: OpenConnectionsOptions): Promise<OpenedConnections> {
  const { logger } = options;
  const env = options.env ?? process.env;
  ensurePrivateDir(options.dataDir);
  const settings = openSettings({
    dataDir: options.dataDir,
    logger,
    ...(options.createStore === undefined ? {} : { createStore: options.createStore }),
  });
  const vault =
    options.vault ??
    (await openVault({
      logger,
      onSecret: registerSecret,
      // Entries of this data directory only: another instance never reads or overwrites them.
      namespace: installationId(options.dataDir),
      ...(options.vaultService === undefined ? {} : { service: options.vaultService }),
    }));
  const session: SessionConnection[] = [];
  let sessionWatchlist: SessionWatchlist | undefined;
  let sessionAlerts: OpenedConnections['sessionAlerts'];
  if (options.profileFile !== undefined) {
    const profile = loadProfile(options.profileFile);
    if (profile.watchlist !== undefined)
      sessionWatchlist = { symbols: profile.watchlist, source: basename(options.profileFile) };
    if (profile.alerts !== undefined)
      sessionAlerts = { config: profile.alerts, source: basename(options.profileFile) };
    const resolved = await resolveSecrets(profile, env, vault, registerSecret);
    for (const c of resolved)
      if (c.kind === 'paper' && c.id !== PAPER_ID)
        throw new Error(
          `Profile ${options.profileFile}: the paper broker is built in with the id "${PAPER_ID}", not "${c.id}"`,
        );
    session.push(...sessionFromProfile(resolved, options.profileFile));
    logger.info({ profile: options.profileFile, connections: resolved.map((c) => c.id) }, 'profile loaded');
  }
  const fromEnv = profileFromEnv(env);
  if (fromEnv !== null) {
    const resolved = await resolveSecrets(fromEnv, env, vault, registerSecret);
    for (const s of sessionFromProfile(resolved, ENV_VARIABLE)) {
      if (session.some((other) => other.id === s.id))
        throw new Error(`${ENV_VARIABLE}: the id "${s.id}" is also declared by the profile`);
      session.push(s);
    }
  }
  let confirmNewOrigin = options.confirmNewOrigin;
  let refusalMessage: ((request: NewOriginRequest) => string) | undefined;
  if (confirmNewOrigin === undefined) {
    const allowed = allowedOriginsFromEnv(env);
    confirmNewOrigin = allowListConfirmation(allowed, (request, refused) =>
      logger.warn(
        { connectionId: request.connectionId, refused, purpose: request.purpose },
        'credentials not sent: origin is neither loopback nor allowed at start-up',
      ),
    );
    refusalMessage = allowListRefusal;
  }
  return {
    settings,
    vault,
    session,
    sessionWatchlist,
    sessionAlerts,
    manager: (engine) =>
      new ConnectionManager({
        engine,
        settings,
        vault,
        session,
        logger,
        confirmNewOrigin,
        deps: linkTuningFromEnv(env),
        ...(refusalMessage === undefined ? {} : { refusalMessage }),
        ...(sessionWatchlist === undefined ? {} : { sessionWatchlist }),
        ...(sessionAlerts === undefined ? {} : { sessionAlerts }),
      }),
  };
}
