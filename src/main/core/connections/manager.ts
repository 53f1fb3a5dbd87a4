/**
 * The ConnectionManager: the one owner of "which connections exist". It keeps three things in
 * step — the saved connections in settings (no secrets), the credential vault (only secrets), and
 * the engine's running Connections — and serves the connection-manager channels of the contract.
 *
 * - At start: every enabled saved connection is built (its secrets read from the vault at that
 *   moment) and added to the engine, plus the session connections of a profile or the
 *   environment (never written to settings; a session connection hides a saved one of the same id).
 * - On save / remove / enable: settings first (validated), then the vault, then the engine.
 * - A connection that cannot run (missing secret, unknown kind) is added as an
 *   UnavailableConnection, so the trader sees why rather than a gap.
 * - Secret values go into the vault and into adapters; no response, log line or error carries
 *   one. The built-in paper broker is always there and cannot be edited or removed.
 *
 * Plain Node: no `electron` here, both hosts construct it the same way.
 */
import type { z } from 'zod';
import { type Channel, isChannel } from '../../../shared/channels';
import {
  contract,
  fail,
  ok,
  type ConnectionEntry,
  type ConnectionKindInfo,
  type ConnectionsListing,
  type ParsedRequestOf,
  type Result,
  type SettingsProblem,
  type TestOutcome,
} from '../../../shared/contract';
import type { AccountMode } from '../../../shared/domain';
import {
  connectionKinds,
  kindSpec,
  secretFields,
  transportProblem,
  type ConnectionDeps,
  type ConnectionEntryConfig,
  type ConnectionKindSpec,
} from '../brokers/registry';
import { AlertSettings } from '../alerts/settings';
import type { AlertsConfig } from '../../../shared/alerts';
import type { Connection } from '../connection';
import type { CredentialVault } from '../credentials';
import type { Engine } from '../engine';
import type { Logger } from '../log';
import { ConnectionSettings, SettingsValidationError, type SettingsHandle } from '../settings';
import { Workspace, type SessionWatchlist } from '../workspace';
import type { SessionConnection } from './session';
import { tryConnection, TRIAL_TIMEOUT_MS } from './trial';
import { UnavailableConnection } from './unavailable';

export const PAPER_ID = 'paper';

/** The engine surface the manager drives. */
export type ManagedEngine = Pick<
  Engine,
  'addConnection' | 'removeConnection' | 'disableConnection' | 'replaceConnection' | 'connection' | 'dispatch'
>;

export interface ConnectionManagerOptions {
  engine: ManagedEngine;
  settings: SettingsHandle;
  vault: CredentialVault;
  /** Declared by a profile or the environment for this session only. */
  session?: readonly SessionConnection[];
  /** A profile's `watchlist`: the session's watchlist, never written to settings. */
  sessionWatchlist?: SessionWatchlist;
  /** A profile's `alerts`: the session's rules and limits, never written to settings. */
  sessionAlerts?: { config: AlertsConfig; source: string };
  logger: Logger;
  /** Clock and randomness for the adapters (tests). */
  deps?: Omit<ConnectionDeps, 'logger'>;
  trialTimeoutMs?: number;
}

/** The channels this manager answers; every other channel goes to the engine. */
const OWN_CHANNELS = new Set<Channel>([
  'term:connections.list',
  'term:connections.save',
  'term:connections.remove',
  'term:connections.setEnabled',
  'term:connections.test',
  'term:credentials.set',
  'term:credentials.has',
  'term:settings.problems',
]);

const modeRank: Record<AccountMode, number> = { paper: 0, demo: 1, live: 2 };

type Form = ParsedRequestOf<'term:connections.save'>;

/** A validated form: what a save or a trial works from. */
interface CheckedForm {
  spec: ConnectionKindSpec & { build: NonNullable<ConnectionKindSpec['build']> };
  entry: ConnectionEntryConfig;
  /** Secret values to use: new ones from the form, else what the vault holds. */
  secrets: Map<string, string>;
  /** Names of the secrets the form supplied (to be written to the vault on save). */
  supplied: string[];
}

export class ConnectionManager {
  private readonly engine: ManagedEngine;
  private readonly settings: SettingsHandle;
  private readonly vault: CredentialVault;
  private readonly session: readonly SessionConnection[];
  private readonly log: Logger;
  private readonly deps: ConnectionDeps;
  private readonly trialTimeoutMs: number;
  /** Watchlist, chart and layout choices: the rest of the settings the hosts serve. */
  readonly workspace: Workspace;
  /** Alert rules and risk limits in settings, applied to the engine. */
  readonly alertSettings: AlertSettings;
  /** Mutations run one at a time: settings, vault and engine must never interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ConnectionManagerOptions) {
    this.engine = options.engine;
    this.settings = options.settings;
    this.vault = options.vault;
    this.session = options.session ?? [];
    this.log = options.logger.child({ component: 'connection-manager' });
    this.deps = { ...options.deps, logger: options.logger };
    this.trialTimeoutMs = options.trialTimeoutMs ?? TRIAL_TIMEOUT_MS;
    this.workspace = new Workspace({
      settings: options.settings,
      logger: options.logger,
      ...(options.sessionWatchlist === undefined ? {} : { sessionWatchlist: options.sessionWatchlist }),
    });
    this.alertSettings = new AlertSettings({
      settings: options.settings,
      engine: options.engine,
      logger: options.logger,
      ...(options.sessionAlerts === undefined ? {} : { session: options.sessionAlerts }),
    });
  }

  /** Adds every enabled saved connection and every session connection to the engine. */
  async start(): Promise<void> {
    await this.alertSettings.start();
    const sessionIds = new Set(this.session.map((s) => s.id));
    for (const saved of this.saved()) {
      if (sessionIds.has(saved.id)) {
        this.log.info({ connectionId: saved.id }, 'saved connection hidden by a session connection');
        continue;
      }
      if (saved.enabled) await this.engine.addConnection(await this.build(saved));
    }
    for (const s of this.session) {
      if (!s.enabled) continue;
      let connection: Connection;
      try {
        connection = s.create(this.deps);
      } catch (err) {
        connection = new UnavailableConnection(s.id, s.kind, s.label, s.mode, errorText(err));
      }
      await this.engine.addConnection(connection);
      this.log.info({ connectionId: s.id, kind: s.kind, source: s.source }, 'session connection added');
    }
  }

  /** The riskiest mode among running connections: what the window title and band show. */
  mode(): AccountMode {
    let mode: AccountMode = 'paper';
    for (const id of [...this.saved().map((s) => s.id), ...this.session.map((s) => s.id)]) {
      const c = this.engine.connection(id);
      if (c !== undefined && modeRank[c.mode] > modeRank[mode]) mode = c.mode;
    }
    return mode;
  }

  handles(channel: string): boolean {
    return (
      (isChannel(channel) && OWN_CHANNELS.has(channel)) ||
      this.workspace.handles(channel) ||
      this.alertSettings.handles(channel)
    );
  }

  /**
   * The hosts' single entry: this manager's channels here, the workspace's to the workspace,
   * everything else to the engine.
   */
  async dispatch(channel: string, payload: unknown): Promise<unknown> {
    // Not queued behind connection changes: each settings update is one synchronous
    // read-modify-write of the document, so the two cannot interleave within it.
    if (this.workspace.handles(channel)) return this.workspace.dispatch(channel, payload);
    if (this.alertSettings.handles(channel)) return this.alertSettings.dispatch(channel, payload);
    if (!isChannel(channel) || !OWN_CHANNELS.has(channel)) return this.engine.dispatch(channel, payload);
    const parsed = contract[channel].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const message = `Invalid request for ${channel}: ${describe(parsed.error)}`;
      if (channel === 'term:settings.problems') throw new Error(message);
      return fail('invalid_request', message);
    }
    const req = parsed.data;
    switch (channel) {
      case 'term:connections.list':
        return ok(await this.list());
      case 'term:connections.save':
        return this.serial(() => this.save(req as Form));
      case 'term:connections.remove':
        return this.serial(() => this.remove((req as ParsedRequestOf<'term:connections.remove'>).id));
      case 'term:connections.setEnabled': {
        const { id, enabled } = req as ParsedRequestOf<'term:connections.setEnabled'>;
        return this.serial(() => this.setEnabled(id, enabled));
      }
      case 'term:connections.test':
        return this.test(req as Form);
      case 'term:credentials.set':
        return this.serial(() => this.setCredential(req as ParsedRequestOf<'term:credentials.set'>));
      case 'term:credentials.has': {
        const { connectionId, key } = req as ParsedRequestOf<'term:credentials.has'>;
        return this.hasCredential(connectionId, key);
      }
      default:
        return this.problems();
    }
  }

  problems(): SettingsProblem[] {
    return this.settings.problems.map((p) => ({
      kind: p.kind,
      message: p.message,
      ...(p.movedTo === undefined ? {} : { movedTo: p.movedTo }),
    }));
  }

  // ---------------------------------------------------------------- listing

  async list(): Promise<ConnectionsListing> {
    const connections: ConnectionEntry[] = [this.paperEntry()];
    const sessionIds = new Set(this.session.map((s) => s.id));
    for (const s of this.saved()) {
      if (!sessionIds.has(s.id)) connections.push(await this.savedEntry(s));
    }
    for (const s of this.session) connections.push(this.sessionEntry(s));
    return {
      connections,
      kinds: connectionKinds.map((k) => k.info),
      vault: { backend: this.vault.backend, reason: this.vault.reason ?? null },
      settingsPersistent: this.settings.persistent,
    };
  }

  private saved(): ConnectionSettings[] {
    return this.settings.get().connections.filter((c) => !(c.kind === 'paper' && c.id === PAPER_ID));
  }

  private runtime(id: string): Pick<ConnectionEntry, 'running' | 'problem' | 'health'> {
    const c = this.engine.connection(id);
    if (c === undefined) return { running: false, problem: null, health: null };
    return {
      running: !(c instanceof UnavailableConnection),
      problem: c instanceof UnavailableConnection ? c.reason : null,
      health: c.health(),
    };
  }

  private paperEntry(): ConnectionEntry {
    return {
      id: PAPER_ID,
      kind: 'paper',
      label: 'Paper',
      mode: 'paper',
      enabled: true,
      fields: {},
      secrets: [],
      source: 'builtin',
      sourceDetail: null,
      editable: false,
      ...this.runtime(PAPER_ID),
    };
  }

  private async savedEntry(s: ConnectionSettings): Promise<ConnectionEntry> {
    const info = kindSpec(s.kind)?.info;
    const secrets = await Promise.all(
      (info === undefined ? [] : secretFields(info)).map(async (f) => ({
        name: f.name,
        stored: await this.vault.has(s.id, f.name).catch(() => false),
      })),
    );
    return {
      id: s.id,
      kind: s.kind,
      label: s.label,
      mode: s.mode,
      enabled: s.enabled,
      fields: formFields(info, s),
      secrets,
      source: 'settings',
      sourceDetail: null,
      editable: true,
      ...this.runtime(s.id),
    };
  }

  private sessionEntry(s: SessionConnection): ConnectionEntry {
    return {
      id: s.id,
      kind: s.kind,
      label: s.label,
      mode: s.mode,
      enabled: s.enabled,
      fields: formFields(kindSpec(s.kind)?.info, s),
      secrets: s.secretNames.map((name) => ({ name, stored: true })),
      source: s.source,
      sourceDetail: s.sourceDetail,
      editable: false,
      ...this.runtime(s.id),
    };
  }

  private async entryFor(id: string): Promise<ConnectionEntry> {
    const saved = this.saved().find((s) => s.id === id);
    if (saved === undefined) throw new Error(`connection ${id} vanished`);
    return this.savedEntry(saved);
  }

  // ---------------------------------------------------------------- building

  /** A saved connection as an engine Connection, secrets read from the vault now. */
  private async build(s: ConnectionSettings): Promise<Connection> {
    const unavailable = (reason: string): Connection =>
      new UnavailableConnection(s.id, s.kind, s.label, s.mode, reason);
    const spec = kindSpec(s.kind);
    if (spec === undefined) return unavailable(`Unknown connection kind "${s.kind}".`);
    if (!spec.info.available || spec.build === undefined)
      return unavailable(spec.info.unavailableReason ?? `${spec.info.title} is not available.`);
    const secrets = new Map<string, string>();
    for (const field of secretFields(spec.info)) {
      let value: string | null;
      try {
        value = await this.vault.get(s.id, field.name);
      } catch (err) {
        return unavailable(errorText(err));
      }
      if (value !== null) secrets.set(field.name, value);
      else if (field.required) return unavailable(this.missingSecret(field.label));
    }
    try {
      return spec.build(entryConfig(s), secrets, this.deps);
    } catch (err) {
      return unavailable(`The saved configuration cannot be used: ${errorText(err)}`);
    }
  }

  private missingSecret(label: string): string {
    return this.vault.backend === 'memory'
      ? `${label} is not stored: secrets were kept in memory only and are gone after a restart. Edit the connection and enter it again.`
      : `${label} is not stored in the OS keychain. Edit the connection and enter it again.`;
  }

  /**
   * Validates a form against its kind's declaration; fills secrets from the form or, for a saved
   * connection being edited or tested (`stored`), from the vault — but only while the form's URL
   * has the stored one's origin: a stored secret is never sent to a host it was not typed for.
   */
  private async check(form: Form, stored: ConnectionSettings | undefined): Promise<Result<CheckedForm>> {
    const spec = kindSpec(form.kind);
    if (spec === undefined) return fail('unknown_kind', `Unknown connection kind "${form.kind}".`);
    if (spec.info.builtIn)
      return fail('built_in', `${spec.info.title} is built in; it cannot be added or changed.`);
    const build = spec.build;
    if (!spec.info.available || build === undefined)
      return fail('kind_unavailable', spec.info.unavailableReason ?? `${spec.info.title} is not available.`);
    if (!spec.info.modes.includes(form.mode))
      return fail('invalid_config', `${spec.info.title} has no ${form.mode} environment.`);
    const declared = new Set(spec.info.fields.map((f) => f.name));
    const secretNames = new Set(secretFields(spec.info).map((f) => f.name));
    for (const name of Object.keys(form.fields)) {
      if (!declared.has(name) || secretNames.has(name))
        return fail('invalid_config', `${spec.info.title} has no setting "${name}".`);
    }
    for (const name of Object.keys(form.secrets)) {
      if (!secretNames.has(name))
        return fail('invalid_config', `${spec.info.title} has no secret "${name}".`);
    }
    const values = spec.fieldsSchema.safeParse(
      Object.fromEntries(Object.entries(form.fields).filter(([, v]) => v.trim() !== '')),
    );
    if (!values.success) return fail('invalid_config', labelled(spec.info, values.error));
    const { url, ...options } = values.data;
    const transport = transportProblem(url, form.mode);
    if (transport !== null) return fail('invalid_config', `${fieldLabel(spec.info, 'url')}: ${transport}`);
    const sameOrigin = stored !== undefined && originOf(stored.url) === originOf(url);
    const secrets = new Map<string, string>();
    const supplied: string[] = [];
    for (const field of secretFields(spec.info)) {
      const given = form.secrets[field.name];
      if (given !== undefined && given !== '') {
        secrets.set(field.name, given);
        supplied.push(field.name);
        continue;
      }
      const kept = stored === undefined ? null : await this.vault.get(stored.id, field.name);
      if (kept !== null && !sameOrigin)
        return fail(
          'secret_required',
          `The URL changed: enter the ${field.label.toLowerCase()} again so it is only sent to the new gateway.`,
        );
      if (kept !== null) secrets.set(field.name, kept);
      else if (field.required) return fail('missing_secret', `${field.label} is required.`);
    }
    const entry: ConnectionEntryConfig = {
      id: form.id,
      label: form.label,
      mode: form.mode,
      ...(url === undefined ? {} : { url }),
      urls: {},
      options: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
    return ok({ spec: { ...spec, build }, entry, secrets, supplied });
  }

  // ---------------------------------------------------------------- commands

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async save(form: Form): Promise<Result<ConnectionEntry>> {
    const saved = this.saved();
    const original = form.originalId === undefined ? undefined : saved.find((s) => s.id === form.originalId);
    if (form.originalId !== undefined && original === undefined)
      return fail('not_found', `There is no saved connection "${form.originalId}" to edit.`);
    if (form.id === PAPER_ID || this.session.some((s) => s.id === form.id))
      return fail('duplicate_id', `The id "${form.id}" is taken by a built-in or session connection.`);
    if (form.id !== form.originalId && saved.some((s) => s.id === form.id))
      return fail('duplicate_id', `A connection with the id "${form.id}" already exists.`);
    const checked = await this.check(form, original);
    if (!checked.ok) return checked;
    const { spec, entry, secrets, supplied } = checked.value;

    const record = ConnectionSettings.safeParse({
      id: entry.id,
      kind: spec.info.kind,
      label: entry.label,
      mode: entry.mode,
      enabled: form.enabled,
      ...(entry.url === undefined ? {} : { url: entry.url }),
      urls: entry.urls,
      options: entry.options,
      secrets: Object.fromEntries([...secrets.keys()].map((name) => [name, { stored: true }])),
    });
    if (!record.success) return fail('invalid_config', describe(record.error));

    // Vault before settings: settings must never claim a secret the vault does not hold.
    try {
      for (const [name, value] of secrets) {
        if (supplied.includes(name) || original?.id !== entry.id) await this.vault.set(entry.id, name, value);
      }
    } catch (err) {
      return fail('vault_error', errorText(err));
    }
    try {
      this.settings.update((draft) => {
        const index = draft.connections.findIndex((c) => c.id === original?.id);
        if (index >= 0) draft.connections[index] = record.data;
        else draft.connections.push(record.data);
        return draft;
      });
    } catch (err) {
      return fail('settings_error', err instanceof SettingsValidationError ? err.message : errorText(err));
    }
    if (original !== undefined && original.id !== entry.id) {
      await this.engine.removeConnection(original.id);
      await this.forgetSecrets(original);
    }
    this.log.info(
      {
        connectionId: entry.id,
        kind: spec.info.kind,
        mode: entry.mode,
        enabled: form.enabled,
        secretsUpdated: supplied,
        action: original === undefined ? 'add' : 'edit',
      },
      'connection saved',
    );
    await this.apply(record.data);
    return ok(await this.entryFor(entry.id));
  }

  async remove(id: string): Promise<Result<Record<string, never>>> {
    const target = this.saved().find((s) => s.id === id);
    if (target === undefined) {
      if (id === PAPER_ID) return fail('built_in', 'The built-in paper broker cannot be removed.');
      if (this.session.some((s) => s.id === id))
        return fail(
          'session_connection',
          `"${id}" is declared by a profile or the environment for this session.`,
        );
      return fail('not_found', `There is no saved connection "${id}".`);
    }
    this.settings.update((draft) => {
      draft.connections = draft.connections.filter((c) => c.id !== id);
      return draft;
    });
    await this.engine.removeConnection(id);
    await this.forgetSecrets(target);
    this.log.info({ connectionId: id, kind: target.kind }, 'connection removed');
    return ok({});
  }

  async setEnabled(id: string, enabled: boolean): Promise<Result<ConnectionEntry>> {
    const target = this.saved().find((s) => s.id === id);
    if (target === undefined) {
      if (id === PAPER_ID) return fail('built_in', 'The built-in paper broker is always on.');
      return fail('not_found', `There is no saved connection "${id}".`);
    }
    try {
      this.settings.update((draft) => {
        for (const c of draft.connections) if (c.id === id) c.enabled = enabled;
        return draft;
      });
    } catch (err) {
      return fail('settings_error', errorText(err));
    }
    this.log.info({ connectionId: id, enabled }, enabled ? 'connection enabled' : 'connection disabled');
    await this.apply({ ...target, enabled });
    return ok(await this.entryFor(id));
  }

  async test(form: Form): Promise<Result<TestOutcome>> {
    // Stored secrets of the saved connection being edited stand in for ones not retyped.
    const storedId = form.originalId ?? form.id;
    const checked = await this.check(
      form,
      this.saved().find((s) => s.id === storedId),
    );
    if (!checked.ok) return checked;
    const { spec, entry, secrets } = checked.value;
    let connection: Connection;
    try {
      connection = spec.build(entry, secrets, {
        ...this.deps,
        logger: this.deps.logger?.child({ trial: true }),
      });
    } catch (err) {
      return fail('invalid_config', errorText(err));
    }
    this.log.info(
      { connectionId: entry.id, kind: spec.info.kind, mode: entry.mode },
      'connection test started',
    );
    const outcome = await tryConnection(connection, this.trialTimeoutMs);
    this.log.info(
      {
        connectionId: entry.id,
        success: outcome.success,
        state: outcome.state,
        elapsedMs: outcome.elapsedMs,
      },
      `connection test: ${outcome.message}`,
    );
    return ok(outcome);
  }

  async setCredential(req: ParsedRequestOf<'term:credentials.set'>): Promise<Result<Record<string, never>>> {
    const target = this.saved().find((s) => s.id === req.connectionId);
    if (target === undefined) return fail('not_found', `There is no saved connection "${req.connectionId}".`);
    const info = kindSpec(target.kind)?.info;
    if (info === undefined || !secretFields(info).some((f) => f.name === req.key))
      return fail('invalid_request', `Connection "${target.id}" has no secret "${req.key}".`);
    try {
      await this.vault.set(target.id, req.key, req.secret);
    } catch (err) {
      return fail('vault_error', errorText(err));
    }
    const updated = this.settings.update((draft) => {
      for (const c of draft.connections) if (c.id === target.id) c.secrets[req.key] = { stored: true };
      return draft;
    });
    const record = updated.connections.find((c) => c.id === target.id);
    if (record !== undefined) await this.apply(record);
    return ok({});
  }

  async hasCredential(
    connectionId: string,
    key: string,
  ): Promise<Result<{ stored: boolean; backend: 'keychain' | 'memory' }>> {
    try {
      return ok({ stored: await this.vault.has(connectionId, key), backend: this.vault.backend });
    } catch (err) {
      return fail('vault_error', errorText(err));
    }
  }

  /**
   * Brings the engine in line with one saved connection. A disabled one is stopped but its rows
   * stay (stopped, unverified) until it is removed.
   */
  private async apply(s: ConnectionSettings): Promise<void> {
    if (s.enabled) await this.engine.replaceConnection(await this.build(s));
    else await this.engine.disableConnection(s.id);
  }

  private async forgetSecrets(s: ConnectionSettings): Promise<void> {
    const info = kindSpec(s.kind)?.info;
    const names = new Set([
      ...Object.keys(s.secrets),
      ...(info === undefined ? [] : secretFields(info).map((f) => f.name)),
    ]);
    for (const name of names) {
      try {
        await this.vault.delete(s.id, name);
      } catch (err) {
        this.log.warn({ connectionId: s.id, key: name, err: errorText(err) }, 'could not delete secret');
      }
    }
  }
}

function entryConfig(s: ConnectionSettings): ConnectionEntryConfig {
  return {
    id: s.id,
    label: s.label,
    mode: s.mode,
    ...(s.url === undefined ? {} : { url: s.url }),
    urls: s.urls,
    options: s.options,
  };
}

/** The non-secret form values of a saved or session connection, as strings. */
function formFields(
  info: ConnectionKindInfo | undefined,
  s: { url?: string; options: Record<string, unknown> },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of info?.fields ?? []) {
    if (field.type === 'secret') continue;
    const value = field.name === 'url' ? s.url : s.options[field.name];
    if (typeof value === 'string' || typeof value === 'number') out[field.name] = String(value);
  }
  return out;
}

/**
 * `scheme://host:port` of a URL (default ports and case normalized). Null for no URL (two nulls
 * match: kinds without a URL keep their secrets); an unparseable one only matches itself.
 */
function originOf(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return `unparseable:${url}`;
  }
}

function fieldLabel(info: ConnectionKindInfo, name: string): string {
  return info.fields.find((f) => f.name === name)?.label ?? name;
}

/** zod issues by field label: "Gateway URL: must be a ws:// or wss:// address". */
function labelled(info: ConnectionKindInfo, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const name = String(i.path[0] ?? '');
      const label = info.fields.find((f) => f.name === name)?.label ?? name;
      return label === '' ? i.message : `${label}: ${i.message}`;
    })
    .join('; ');
}

function describe(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
