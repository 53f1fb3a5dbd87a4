/**
 * Opening, upgrading and saving the settings document in the data directory.
 *
 * A file that cannot be read, parsed or validated is never reset in place: it is renamed to
 * `settings.corrupt-<timestamp>.json` next to the original, the session starts from defaults,
 * and the problem is returned (for the UI) and logged. One bad connection is not a bad file:
 * connections are repaired one by one (./repair.ts) — a secret found in the file is removed and
 * reported so it is entered again, and only a connection that cannot be used is set aside into
 * `settings.rejected-<timestamp>.json`, every other setting kept. Before an upgrade rewrites an
 * older file, the original is copied to `settings.v<N>.backup.json` (without any secret it held).
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Conf from 'conf';
import type { Logger } from 'pino';
import { describeIssues, parseJsonText } from './json-file';
import { migrateSettings } from './migrations';
import { repairConnections, stripSecrets, type ConnectionRepair } from './repair';
import { SETTINGS_VERSION, SettingsSchema, defaultSettings, type Settings } from './schema';

/**
 * The part of `conf` / `electron-store` we use: whole-document reads and writes. Writing goes
 * through the library (atomic write, file mode, directory creation).
 */
export interface SettingsStore {
  readonly path: string;
  store: Record<string, unknown>;
}

/**
 * `conf` by default; the Electron host may pass `(o) => new ElectronStore(o)`. `configFileMode`
 * is 0600: settings name the trader's gateways and accounts.
 */
export type CreateSettingsStore = (options: {
  cwd: string;
  name: string;
  configFileMode: number;
}) => SettingsStore;

export type SettingsLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export type SettingsProblemKind =
  | 'corrupt'
  | 'invalid'
  | 'unreadable'
  | 'newer-version'
  | 'not-saved'
  /** A secret was found in the file and removed from it: the trader must enter it again. */
  | 'secret-removed'
  /** One connection could not be used and was moved to a rejected file; the rest was kept. */
  | 'connection-set-aside';

export interface SettingsProblem {
  kind: SettingsProblemKind;
  /** A sentence for the UI: what was wrong, where the file went, what happens now. */
  message: string;
  /** Where the bad file was moved, when it was. */
  movedTo?: string;
}

export interface OpenSettingsOptions {
  dataDir: string;
  logger: SettingsLogger;
  createStore?: CreateSettingsStore;
  /** File name without extension. */
  name?: string;
  /** Clock for the corrupt-file name; tests pin it. */
  now?: () => Date;
}

export interface SettingsHandle {
  /** The settings as loaded (after migrations), or defaults after a problem. */
  readonly settings: Settings;
  readonly problems: readonly SettingsProblem[];
  /** Absolute path of the settings file. */
  readonly path: string;
  /** False when changes cannot be written (the file could not be moved aside, or is newer). */
  readonly persistent: boolean;
  /** A copy of the current settings. */
  get(): Settings;
  /**
   * Changes settings through a mutator on a copy (mutate it, or return a replacement). The
   * result is validated before anything is written; an invalid result throws and changes
   * nothing.
   */
  update(mutator: (draft: Settings) => Settings | undefined): Settings;
  /** Called after every successful update; returns an unsubscribe function. */
  onChange(listener: (settings: Settings) => void): () => void;
}

export class SettingsValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`Settings rejected: ${issues.join('; ')}`);
    this.name = 'SettingsValidationError';
  }
}

const createConfStore: CreateSettingsStore = ({ cwd, name, configFileMode }) =>
  new Conf<Record<string, unknown>>({ cwd, configName: name, configFileMode });

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * The data directory exists and only its owner may list or enter it (settings, logs, journals
 * and the vault's installation id live there). An existing directory is narrowed too: builds
 * before this one created it 0755.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  narrow(dir, PRIVATE_DIR);
}

/** chmod to `mode` when the path is wider; a path we do not own is left alone. */
function narrow(path: string, mode: number): void {
  try {
    if ((statSync(path).mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
  } catch {
    // Missing or not ours: nothing to narrow.
  }
}

export function openSettings(options: OpenSettingsOptions): SettingsHandle {
  const { dataDir, logger } = options;
  const name = options.name ?? 'settings';
  const now = options.now ?? (() => new Date());
  const path = join(dataDir, `${name}.json`);
  ensurePrivateDir(dataDir);
  narrow(path, PRIVATE_FILE);
  const problems: SettingsProblem[] = [];
  let persistent = true;

  const loaded = loadFile(path);
  let current: Settings = defaultSettings();
  let mustWrite = true;

  const setAside = (kind: SettingsProblemKind, what: string): void => {
    const target = corruptPath(path, now());
    try {
      renameSync(path, target);
      problems.push({
        kind,
        movedTo: target,
        message: `${basename(path)} ${what}. It was moved to ${basename(target)} and Peregrine started with default settings.`,
      });
      logger.error({ path, movedTo: target, kind }, `settings file ${what}; moved aside`);
    } catch (error) {
      persistent = false;
      problems.push({
        kind,
        message: `${basename(path)} ${what}, and it could not be moved aside (${errorText(error)}). Peregrine started with default settings; changes will not be saved this session.`,
      });
      logger.error({ path, kind, cause: errorText(error) }, `settings file ${what}; could not move it aside`);
    }
  };

  if (loaded.kind === 'missing') {
    logger.info({ path }, 'no settings file yet: starting from defaults');
  } else if (loaded.kind === 'unreadable') {
    setAside('unreadable', `could not be read (${loaded.message})`);
  } else if (loaded.kind === 'corrupt') {
    setAside('corrupt', `is ${loaded.message}`);
  } else {
    const migrated = migrateSettings(loaded.value);
    if (!migrated.ok && migrated.reason === 'newer-version') {
      // Leave a newer file alone so the newer build still finds it; run on defaults meanwhile.
      persistent = false;
      const version = String(migrated.version);
      problems.push({
        kind: 'newer-version',
        message: `${basename(path)} was written by a newer Peregrine (settings version ${version}; this build knows ${SETTINGS_VERSION}). It was left untouched; this session uses default settings and will not save changes.`,
      });
      logger.error(
        { path, version, known: SETTINGS_VERSION },
        'settings file is from a newer version; left untouched',
      );
    } else if (!migrated.ok) {
      setAside(
        'invalid',
        migrated.reason === 'not-an-object'
          ? 'does not hold a settings object'
          : `has an unusable schemaVersion (${JSON.stringify(migrated.version)})`,
      );
    } else {
      const repair = repairConnections(migrated.doc);
      const parsed = SettingsSchema.safeParse(repair.doc);
      if (!parsed.success) {
        setAside(
          'invalid',
          `does not match the settings schema (${describeIssues(parsed.error).join('; ')})`,
        );
      } else {
        current = parsed.data;
        mustWrite = migrated.applied.length > 0 || repair.changed;
        if (!reportRepair(repair)) persistent = false;
        if (migrated.applied.length > 0) {
          const backup = join(dirname(path), `${name}.v${migrated.from}.backup.json`);
          if (!existsSync(backup)) {
            // The backup must not keep a secret the upgraded file no longer has.
            if (repair.droppedSecrets.length > 0)
              writeFileSync(backup, `${JSON.stringify(withoutSecrets(loaded.value), null, 2)}\n`, {
                mode: 0o600,
              });
            else {
              copyFileSync(path, backup);
              narrow(backup, PRIVATE_FILE);
            }
          }
          logger.info(
            {
              path,
              from: migrated.from,
              to: SETTINGS_VERSION,
              steps: migrated.applied.map((m) => m.describe),
              backup,
            },
            'settings upgraded',
          );
        }
      }
    }
  }

  /**
   * Reports what the per-connection repair did; writes the connections it set aside next to the
   * settings file. False when that file cannot be written: the settings file is then left as it
   * is (a rewrite would lose those connections) and this session does not save.
   */
  function reportRepair(repair: ConnectionRepair): boolean {
    for (const moved of repair.movedToOptions)
      logger.info(
        { path, connectionId: moved.connectionId, keys: moved.names },
        'settings: unknown connection keys kept under options',
      );
    for (const dropped of repair.droppedSecrets) {
      const what = dropped.names.map((n) => `"${n}"`).join(', ');
      problems.push({
        kind: 'secret-removed',
        message: `Connection "${dropped.label}" had ${what} written in ${basename(path)} in plain text. ${dropped.names.length === 1 ? 'It was' : 'They were'} removed from the file and not kept: edit the connection and enter the secret again so it is stored in the credential vault.`,
      });
      logger.warn(
        { path, connectionId: dropped.connectionId, keys: dropped.names },
        'settings: secret values removed from the settings file',
      );
    }
    if (repair.setAside.length === 0) return true;
    const target = stampedPath(path, 'rejected', now());
    const names = repair.setAside.map((c) =>
      c.connectionId === null ? `#${c.index + 1}` : `"${c.connectionId}"`,
    );
    try {
      writeFileSync(
        target,
        `${JSON.stringify(
          {
            from: basename(path),
            setAsideAt: now().toISOString(),
            connections: repair.setAside.map((c) => ({ issues: c.issues, entry: c.entry })),
          },
          null,
          2,
        )}\n`,
        { mode: 0o600, flag: 'wx' },
      );
    } catch (error) {
      problems.push({
        kind: 'connection-set-aside',
        message: `Connection ${names.join(', ')} in ${basename(path)} cannot be used (${repair.setAside.flatMap((c) => c.issues).join('; ')}), and it could not be set aside (${errorText(error)}). The file was left untouched; changes will not be saved this session.`,
      });
      logger.error({ path, cause: errorText(error) }, 'settings: could not set aside unusable connections');
      return false;
    }
    for (const [i, c] of repair.setAside.entries()) {
      problems.push({
        kind: 'connection-set-aside',
        movedTo: target,
        message: `Connection ${names[i] ?? ''} in ${basename(path)} cannot be used (${c.issues.join('; ')}). It was moved to ${basename(target)}; every other setting was kept.`,
      });
    }
    logger.warn(
      {
        path,
        movedTo: target,
        connections: repair.setAside.map((c) => c.connectionId),
        issues: repair.setAside.flatMap((c) => c.issues),
      },
      'settings: unusable connections set aside',
    );
    return true;
  }

  // The store library reads the file in its constructor, so it is created only once the file is
  // known to be good JSON (or has been moved aside).
  let store: SettingsStore | null = null;
  if (persistent) {
    store = (options.createStore ?? createConfStore)({ cwd: dataDir, name, configFileMode: PRIVATE_FILE });
    if (store.path !== path) {
      throw new Error(`settings store writes ${store.path}, expected ${path}`);
    }
    if (mustWrite) write(store, current);
  }

  const listeners = new Set<(settings: Settings) => void>();
  const initial = structuredClone(current);

  return {
    settings: initial,
    problems,
    path,
    persistent,
    get: () => structuredClone(current),
    update(mutator) {
      const draft = structuredClone(current);
      const candidate = mutator(draft) ?? draft;
      const parsed = SettingsSchema.safeParse(candidate);
      if (!parsed.success) throw new SettingsValidationError(describeIssues(parsed.error));
      if (store !== null) write(store, parsed.data);
      else logger.warn({ path }, 'settings changed in memory only: the settings file cannot be written');
      current = parsed.data;
      for (const listener of listeners) listener(structuredClone(current));
      return structuredClone(current);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

type Loaded =
  | { kind: 'missing' }
  | { kind: 'unreadable'; message: string }
  | { kind: 'corrupt'; message: string }
  | { kind: 'ok'; value: unknown };

function loadFile(path: string): Loaded {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrno(error) && error.code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', message: isErrno(error) && error.code ? error.code : errorText(error) };
  }
  const parsed = parseJsonText(text);
  return parsed.ok ? { kind: 'ok', value: parsed.value } : { kind: 'corrupt', message: parsed.message };
}

function write(store: SettingsStore, settings: Settings): void {
  store.store = structuredClone(settings);
  // A store created before configFileMode existed (or by another library) keeps its old mode.
  narrow(store.path, PRIVATE_FILE);
}

/** `settings.corrupt-2026-01-31T12-00-00-000Z.json`, unique even within one millisecond. */
function corruptPath(path: string, at: Date): string {
  return stampedPath(path, 'corrupt', at);
}

/** `settings.<what>-2026-01-31T12-00-00-000Z.json`, unique even within one millisecond. */
function stampedPath(path: string, what: 'corrupt' | 'rejected', at: Date): string {
  const stem = basename(path, '.json');
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  let candidate = join(dirname(path), `${stem}.${what}-${stamp}.json`);
  for (let n = 2; existsSync(candidate); n++) {
    candidate = join(dirname(path), `${stem}.${what}-${stamp}-${n}.json`);
  }
  return candidate;
}

/** The file as loaded, its connections without secret values (for the upgrade backup). */
function withoutSecrets(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const doc = raw as Record<string, unknown>;
  if (!Array.isArray(doc.connections)) return doc;
  return {
    ...doc,
    connections: doc.connections.map((c: unknown) =>
      typeof c === 'object' && c !== null && !Array.isArray(c)
        ? stripSecrets(c as Record<string, unknown>).entry
        : c,
    ),
  };
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
