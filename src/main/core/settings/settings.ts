/**
 * Opening, upgrading and saving the settings document in the data directory.
 *
 * A file that cannot be read, parsed or validated is never reset in place: it is renamed to
 * `settings.corrupt-<timestamp>.json` next to the original, the session starts from defaults,
 * and the problem is returned (for the UI) and logged. Before an upgrade rewrites an older file,
 * the original is copied to `settings.v<N>.backup.json`.
 */
import { copyFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Conf from 'conf';
import type { Logger } from 'pino';
import { describeIssues, parseJsonText } from './json-file';
import { migrateSettings } from './migrations';
import { SETTINGS_VERSION, SettingsSchema, defaultSettings, type Settings } from './schema';

/**
 * The part of `conf` / `electron-store` we use: whole-document reads and writes. Writing goes
 * through the library (atomic write, file mode, directory creation).
 */
export interface SettingsStore {
  readonly path: string;
  store: Record<string, unknown>;
}

/** `conf` by default; the Electron host may pass `(o) => new ElectronStore(o)`. */
export type CreateSettingsStore = (options: { cwd: string; name: string }) => SettingsStore;

export type SettingsLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export type SettingsProblemKind = 'corrupt' | 'invalid' | 'unreadable' | 'newer-version' | 'not-saved';

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

const createConfStore: CreateSettingsStore = ({ cwd, name }) =>
  new Conf<Record<string, unknown>>({ cwd, configName: name });

export function openSettings(options: OpenSettingsOptions): SettingsHandle {
  const { dataDir, logger } = options;
  const name = options.name ?? 'settings';
  const now = options.now ?? (() => new Date());
  const path = join(dataDir, `${name}.json`);
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
      const parsed = SettingsSchema.safeParse(migrated.doc);
      if (!parsed.success) {
        setAside(
          'invalid',
          `does not match the settings schema (${describeIssues(parsed.error).join('; ')})`,
        );
      } else {
        current = parsed.data;
        mustWrite = migrated.applied.length > 0;
        if (mustWrite) {
          const backup = join(dirname(path), `${name}.v${migrated.from}.backup.json`);
          if (!existsSync(backup)) copyFileSync(path, backup);
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

  // The store library reads the file in its constructor, so it is created only once the file is
  // known to be good JSON (or has been moved aside).
  let store: SettingsStore | null = null;
  if (persistent) {
    store = (options.createStore ?? createConfStore)({ cwd: dataDir, name });
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
}

/** `settings.corrupt-2026-01-31T12-00-00-000Z.json`, unique even within one millisecond. */
function corruptPath(path: string, at: Date): string {
  const stem = basename(path, '.json');
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  let candidate = join(dirname(path), `${stem}.corrupt-${stamp}.json`);
  for (let n = 2; existsSync(candidate); n++) {
    candidate = join(dirname(path), `${stem}.corrupt-${stamp}-${n}.json`);
  }
  return candidate;
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
