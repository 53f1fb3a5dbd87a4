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
 * - Secrets are bound to the origins they were saved for (the vault refuses any other), and a
 *   test or save that would send credentials to an origin not confirmed before asks the host's
 *   `confirmNewOrigin` first: the page can ask for a test, only the trader can allow the address.
 * - Every connection built here sits behind the redaction boundary (./redacted.ts).
 *
 * Plain Node: no `electron` here, both hosts construct it the same way.
 */
import {
  fail,
  ok,
  type ConnectionEntry,
  type ConnectionsListing,
  type ParsedRequestOf,
  type Result,
  type SettingsProblem,
  type TestOutcome,
} from '../../../shared/contract';
import type { AccountMode } from '../../../shared/domain';
import {
  connectionKinds,
  kindInfo,
  kindSpec,
  type ConnectionDeps,
  type ConnectionEntryConfig,
} from '../brokers/registry';
import type { AlertsConfig } from '../../../shared/alerts';
import { AlertSettings } from '../alerts/settings';
import type { CommandRouter } from '../commands/router';
import type { Connection } from '../connection';
import { SecretOriginError, redactKnownSecrets, type CredentialVault } from '../credentials';
import type { Engine } from '../engine';
import type { Logger } from '../log';
import { ConnectionSettings, SettingsValidationError, type SettingsHandle } from '../settings';
import { Workspace, type SessionWatchlist } from '../workspace';
import { buildConnection, buildableKind, checkedEntry, entryOrigins, vaultSecrets } from './build';
import {
  OriginConsent,
  allowListConfirmation,
  notConfirmedMessage,
  type ConfirmNewOrigin,
  type NewOriginRequest,
} from './confirm';
import { checkForm, describe, formFields, type CheckedForm, type Form } from './form';
import type { SessionConnection } from './session';
import { tryConnection, TRIAL_TIMEOUT_MS } from './trial';
import { UnavailableConnection } from './unavailable';

export const PAPER_ID = 'paper';

/** The engine surface the manager drives. */
export type ManagedEngine = Pick<
  Engine,
  | 'addConnection'
  | 'removeConnection'
  | 'disableConnection'
  | 'replaceConnection'
  | 'connection'
  | 'dispatch'
  | 'commands'
  | 'setWatchlist'
  | 'useAlertsStore'
  | 'allowLiveOneClickWhen'
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
  /**
   * Asks the trader, from the main process, before credentials go to an origin not confirmed
   * before. Default: loopback origins only (`allowListConfirmation([])`).
   */
  confirmNewOrigin?: ConfirmNewOrigin;
  /** The form's error when the confirmation is refused (default: "… was not confirmed."). */
  refusalMessage?: (request: NewOriginRequest) => string;
}

const modeRank: Record<AccountMode, number> = { paper: 0, demo: 1, live: 2 };

/** A checked form with the secrets it will use: typed ones, else what the vault holds for it. */
interface ReadyForm extends CheckedForm {
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
  /** Asks the trader before credentials go to an origin they have not gone to before. */
  private readonly consent: OriginConsent;
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
    this.consent = new OriginConsent(
      this.vault,
      options.confirmNewOrigin ?? allowListConfirmation([]),
      options.refusalMessage ?? notConfirmedMessage,
      this.log,
    );
    this.workspace = new Workspace({
      settings: options.settings,
      logger: options.logger,
      ...(options.sessionWatchlist === undefined ? {} : { sessionWatchlist: options.sessionWatchlist }),
      // The engine streams what the trader watches (subscriptions follow the watchlist).
      onWatchlist: (symbols) => this.engine.setWatchlist(symbols),
    });
    this.engine.setWatchlist(this.workspace.watchlistSymbols());
    // Hotkeys and the DOM trade live accounts only when the saved hotkey settings say so.
    this.engine.allowLiveOneClickWhen(() => this.workspace.liveOneClickAllowed());
    this.registerCommands(this.engine.commands);
    // Rules and limits from settings (or the profile) are applied now and saved there from here on.
    this.alertSettings = new AlertSettings({
      settings: options.settings,
      logger: options.logger,
      ...(options.sessionAlerts === undefined ? {} : { session: options.sessionAlerts }),
    });
    this.engine.useAlertsStore(this.alertSettings);
  }

  /** Adds every enabled saved connection and every session connection to the engine. */
  async start(): Promise<void> {
    const sessionIds = new Set(this.session.map((s) => s.id));
    for (const saved of this.saved()) {
      if (sessionIds.has(saved.id)) {
        this.log.info({ connectionId: saved.id }, 'saved connection hidden by a session connection');
        continue;
      }
      await this.adoptLegacySecrets(saved);
      if (saved.enabled) await this.engine.addConnection(await this.build(saved));
    }
    for (const s of this.session) {
      if (!s.enabled) continue;
      let connection: Connection;
      try {
        connection = s.create(this.deps);
      } catch (err) {
        const reason = redactKnownSecrets(errorText(err));
        this.log.warn(
          { connectionId: s.id, kind: s.kind, source: s.source, reason },
          'session connection cannot run',
        );
        connection = new UnavailableConnection(s.id, s.kind, s.label, s.mode, reason);
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

  /**
   * This manager's channels (connections, credentials, settings problems) and the workspace's,
   * on the engine's one router: every request is parsed once there, before a handler sees it.
   * Not queued behind connection changes: each settings update is one synchronous
   * read-modify-write of the document, so the two cannot interleave within it.
   */
  private registerCommands(router: CommandRouter): void {
    router
      .register('term:connections.list', async () => ok(await this.list()))
      .register('term:connections.save', (req) => this.serial(() => this.save(req)))
      .register('term:connections.remove', (req) => this.serial(() => this.remove(req.id)))
      .register('term:connections.setEnabled', (req) =>
        this.serial(() => this.setEnabled(req.id, req.enabled)),
      )
      .register('term:connections.test', (req) => this.test(req))
      .register('term:credentials.set', (req) => this.serial(() => this.setCredential(req)))
      .register('term:credentials.has', (req) => this.hasCredential(req.connectionId, req.key))
      .register('term:settings.problems', () => this.problems());
    this.workspace.registerCommands(router);
  }

  /** The hosts' single entry: every channel, through the engine's router. */
  dispatch(channel: string, payload: unknown): Promise<unknown> {
    return this.engine.dispatch(channel, payload);
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
      kinds: connectionKinds.map(kindInfo),
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
    const spec = kindSpec(s.kind);
    const secrets = await Promise.all(
      (spec?.secrets ?? []).map(async (f) => ({
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
      fields: formFields(spec, s),
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
      fields: formFields(kindSpec(s.kind), s),
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

  /**
   * A saved connection as an engine Connection, secrets read from the vault now — for the
   * origins of the endpoints it will really use, so a hand-edited address gets nothing.
   */
  private async build(s: ConnectionSettings): Promise<Connection> {
    const unavailable = (reason: string): Connection =>
      new UnavailableConnection(s.id, s.kind, s.label, s.mode, redactKnownSecrets(reason));
    try {
      const spec = buildableKind(s.kind);
      let entry: ConnectionEntryConfig;
      try {
        entry = checkedEntry(spec, entryConfig(s));
      } catch (err) {
        return unavailable(`The saved configuration cannot be used: ${errorText(err)}`);
      }
      const secrets = await vaultSecrets(this.vault, spec, s.id, entryOrigins(entry), (label) =>
        this.missingSecret(label),
      );
      try {
        return buildConnection(spec, entry, secrets, this.deps);
      } catch (err) {
        return unavailable(`The saved configuration cannot be used: ${errorText(err)}`);
      }
    } catch (err) {
      if (err instanceof SecretOriginError)
        this.log.warn(
          { connectionId: s.id, reason: err.message },
          'saved connection not started: secret refused',
        );
      return unavailable(errorText(err));
    }
  }

  /** Secrets saved by a build before namespacing, moved into this installation on first start. */
  private async adoptLegacySecrets(s: ConnectionSettings): Promise<void> {
    const spec = kindSpec(s.kind);
    if (spec?.build === undefined) return;
    let origins: string[];
    try {
      origins = entryOrigins(checkedEntry(spec, entryConfig(s)));
    } catch {
      return; // An unusable entry adopts nothing; it is reported when it is built.
    }
    for (const field of spec.secrets) {
      // Bound to the addresses saved next to it: the only origins it was ever used with.
      await this.vault.adoptLegacy(s.id, field.name, origins).catch((err: unknown) => {
        this.log.warn(
          { connectionId: s.id, key: field.name, err: errorText(err) },
          'legacy secret not moved',
        );
      });
    }
  }

  private missingSecret(label: string): string {
    return this.vault.backend === 'memory'
      ? `${label} is not stored: secrets are kept in memory for one session only (${this.vault.reason ?? 'no keychain'}). Edit the connection and enter it again.`
      : `${label} is not stored in the OS keychain. Edit the connection and enter it again.`;
  }

  /**
   * The form checked, with the secrets it will use: typed ones, else the stored ones of the
   * connection being edited — which the vault hands out only for the origins they were saved
   * for. Then, for any origin this connection has not used before, the trader's confirmation.
   */
  private async check(
    form: Form,
    stored: ConnectionSettings | undefined,
    purpose: 'test' | 'save',
  ): Promise<Result<ReadyForm>> {
    const checked = checkForm(form);
    if (!checked.ok) return checked;
    const { spec, entry, origins, given } = checked.value;
    const secrets = new Map<string, string>();
    const supplied: string[] = [];
    for (const field of spec.secrets) {
      const typed = given.get(field.name);
      if (typed !== undefined) {
        secrets.set(field.name, typed);
        supplied.push(field.name);
        continue;
      }
      let kept: string | null;
      try {
        kept = stored === undefined ? null : await this.vault.get(stored.id, field.name, origins);
      } catch (err) {
        if (!(err instanceof SecretOriginError)) return fail('vault_error', errorText(err));
        const text = `The URL changed: enter the ${field.label.toLowerCase()} again so it is only sent to the new gateway.`;
        return fail('secret_required', text, { [`secrets.${field.name}`]: text });
      }
      if (kept !== null) secrets.set(field.name, kept);
      else if (field.required)
        return fail('missing_secret', `${field.label} is required.`, {
          [`secrets.${field.name}`]: 'Required.',
        });
    }
    const consent = await this.consent.require(
      { connectionId: entry.id, label: entry.label, kind: spec.kind, purpose },
      origins,
      stored,
    );
    if (!consent.ok) return consent;
    return ok({ ...checked.value, secrets, supplied });
  }

  /** Origins a saved connection's settings say it connects to. */
  private storedOrigins(stored: ConnectionSettings | undefined): string[] {
    if (stored === undefined) return [];
    const spec = kindSpec(stored.kind);
    if (spec === undefined) return [];
    try {
      return entryOrigins(checkedEntry(spec, entryConfig(stored)));
    } catch {
      return [];
    }
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
      return fail('duplicate_id', `The id "${form.id}" is taken by a built-in or session connection.`, {
        id: 'Taken by a built-in or session connection: choose another.',
      });
    if (form.id !== form.originalId && saved.some((s) => s.id === form.id))
      return fail('duplicate_id', `A connection with the id "${form.id}" already exists.`, {
        id: 'Another connection already has this id: choose another.',
      });
    const checked = await this.check(form, original, 'save');
    if (!checked.ok) return checked;
    const { spec, entry, secrets, supplied, origins } = checked.value;

    const record = ConnectionSettings.safeParse({
      id: entry.id,
      kind: spec.kind,
      label: entry.label,
      mode: entry.mode,
      enabled: form.enabled,
      ...(entry.url === undefined ? {} : { url: entry.url }),
      urls: entry.urls,
      options: entry.options,
      secrets: Object.fromEntries([...secrets.keys()].map((name) => [name, { stored: true }])),
    });
    if (!record.success) return fail('invalid_config', describe(record.error));

    // Vault before settings: settings must never claim a secret the vault does not hold. A kept
    // secret is rewritten when its binding would change (narrowed to the addresses now saved).
    try {
      for (const [name, value] of secrets) {
        const bound = original?.id === entry.id ? await this.vault.origins(entry.id, name) : null;
        const rebind = bound === null || bound.join(' ') !== origins.join(' ');
        if (supplied.includes(name) || original?.id !== entry.id || rebind)
          await this.vault.set(entry.id, name, value, origins);
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
        kind: spec.kind,
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
      'test',
    );
    if (!checked.ok) return checked;
    const { spec, entry, secrets } = checked.value;
    let connection: Connection;
    try {
      connection = buildConnection(spec, entry, secrets, {
        ...this.deps,
        logger: this.deps.logger?.child({ trial: true }),
      });
    } catch (err) {
      return fail('invalid_config', redactKnownSecrets(errorText(err)));
    }
    this.log.info({ connectionId: entry.id, kind: spec.kind, mode: entry.mode }, 'connection test started');
    const trial = await tryConnection(connection, this.trialTimeoutMs);
    // The gateway's own words, minus any secret it echoed (the typed one included).
    const outcome = { ...trial, message: redactKnownSecrets(trial.message) };
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
    const spec = kindSpec(target.kind);
    if (spec === undefined || !spec.secrets.some((f) => f.name === req.key))
      return fail('invalid_request', `Connection "${target.id}" has no secret "${req.key}".`);
    // Bound to the addresses saved for this connection — confirmed first when its other secrets
    // were never sent there (an address edited into the settings file by hand).
    const origins = this.storedOrigins(target);
    const consent = await this.consent.require(
      { connectionId: target.id, label: target.label, kind: target.kind, purpose: 'save' },
      origins,
      target,
    );
    if (!consent.ok) return consent;
    try {
      await this.vault.set(target.id, req.key, req.secret, origins);
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
    const names = new Set([
      ...Object.keys(s.secrets),
      ...(kindSpec(s.kind)?.secrets ?? []).map((f) => f.name),
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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
