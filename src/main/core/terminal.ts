/**
 * The one start-up both hosts call: open the settings, the credential vault and the session's
 * connections (profile, environment) in the data directory, build the engine, and bring the
 * connections up. What runs per data directory — the journal, alert rules, resuming protection
 * after reconcile — is wired here once instead of in each host.
 */
import { type ConnectionManager, openConnections, type OpenConnectionsOptions } from './connections';
import { join } from 'node:path';
import { Engine } from './engine';
import { JOURNAL_FILE } from './protection/journal';
import { engineTuningFromEnv } from './tuning';

export interface TerminalOptions extends OpenConnectionsOptions {
  /** The paper market's seed (tests and demos pin it). */
  seed?: number;
}

export interface Terminal {
  engine: Engine;
  manager: ConnectionManager;
  /** Where secrets are kept, and why in memory only when they are. */
  vault: { backend: 'keychain' | 'memory'; reason: string | null };
  stop(): Promise<void>;
}

export async function startTerminal(options: TerminalOptions): Promise<Terminal> {
  const { seed, ...open } = options;
  const opened = await openConnections(open);
  const engine = Engine.create({
    logger: options.logger,
    paper: true,
    // The alert journal (firings, kill-switch steps, locks) lives beside the settings.
    dataDir: options.dataDir,
    // Terminal-managed protection survives a restart through its journal in the data directory.
    protectionJournal: join(options.dataDir, JOURNAL_FILE),
    ...(seed === undefined ? {} : { seed }),
    ...engineTuningFromEnv(options.env ?? process.env),
  });
  const manager = opened.manager(engine);
  await engine.start();
  await manager.start();
  return {
    engine,
    manager,
    vault: { backend: opened.vault.backend, reason: opened.vault.reason ?? null },
    stop: () => engine.stop(),
  };
}
