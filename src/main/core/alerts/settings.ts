/**
 * Alert rules and risk limits kept in the settings document (`alerts`), or declared by a profile
 * for the session: serves `alerts.config` / `alerts.saveConfig` for the hosts and hands every
 * accepted config to the engine through its own `alerts.saveConfig` channel, so the engine stays
 * free of settings. A config in the file that no longer parses (a hand edit, a newer build) is
 * logged by path, and the defaults run instead of no protection at all; the file is left as it is
 * until the trader saves.
 *
 * Plain Node: no `electron` here, both hosts reach it through the ConnectionManager's dispatch.
 */
import { AlertsConfig, defaultAlertsConfig } from '../../../shared/alerts';
import { type Channel, isChannel } from '../../../shared/channels';
import { contract, fail, ok, type AlertsConfigView, type Result } from '../../../shared/contract';
import { describeIssues } from '../../../shared/issues';
import type { Logger } from '../log';
import { SettingsValidationError, type SettingsHandle } from '../settings';

const OWN_CHANNELS = new Set<Channel>(['term:alerts.config', 'term:alerts.saveConfig']);

export interface AlertSettingsOptions {
  settings: SettingsHandle;
  /** The engine's dispatch: the accepted config goes to `term:alerts.saveConfig` there. */
  engine: { dispatch(channel: string, payload: unknown): Promise<unknown> };
  /** A profile's `alerts`: this session's rules, never written to settings. */
  session?: { config: AlertsConfig; source: string };
  logger: Logger;
}

export class AlertSettings {
  private readonly settings: SettingsHandle;
  private readonly engine: AlertSettingsOptions['engine'];
  private readonly log: Logger;
  private session: AlertsConfig | null;

  constructor(options: AlertSettingsOptions) {
    this.settings = options.settings;
    this.engine = options.engine;
    this.log = options.logger.child({ component: 'alert-settings' });
    this.session = options.session?.config ?? null;
    if (options.session !== undefined)
      this.log.info(
        { source: options.session.source },
        'alert rules from the profile for this session (not saved)',
      );
  }

  handles(channel: string): boolean {
    return isChannel(channel) && OWN_CHANNELS.has(channel);
  }

  /** Applies the saved (or the profile's) config to the engine; call once at start. */
  async start(): Promise<void> {
    await this.engine.dispatch('term:alerts.saveConfig', this.current());
  }

  async dispatch(channel: string, payload: unknown): Promise<Result<AlertsConfigView>> {
    if (channel === 'term:alerts.config') return ok(this.view());
    const parsed = contract['term:alerts.saveConfig'].request.safeParse(payload ?? {});
    if (!parsed.success)
      return fail('invalid_request', `The alert rules were not saved: ${describeIssues(parsed.error)}`);
    const config = parsed.data;
    if (this.session !== null) this.session = config;
    else {
      try {
        this.settings.update((draft) => ({ ...draft, alerts: { ...config } }));
      } catch (err) {
        if (err instanceof SettingsValidationError)
          return fail('invalid_request', `The alert rules were not saved: ${err.issues.join('; ')}`);
        const reason = err instanceof Error ? err.message : String(err);
        this.log.error({ cause: reason }, 'alert rules could not be written');
        return fail('not_saved', `The alert rules could not be written to the settings file: ${reason}`);
      }
    }
    this.log.info({ rules: config.rules.length, persistent: this.persistent() }, 'alert rules saved');
    const applied = (await this.engine.dispatch('term:alerts.saveConfig', config)) as Result<unknown>;
    if (!applied.ok) return applied;
    return ok(this.view());
  }

  private persistent(): boolean {
    return this.session === null && this.settings.persistent;
  }

  private view(): AlertsConfigView {
    return {
      config: this.current(),
      source: this.session === null ? 'settings' : 'profile',
      persistent: this.persistent(),
    };
  }

  private current(): AlertsConfig {
    if (this.session !== null) return this.session;
    const parsed = AlertsConfig.safeParse(this.settings.get().alerts);
    if (parsed.success) return parsed.data;
    this.log.warn(
      { issues: describeIssues(parsed.error) },
      'alert rules in settings do not parse; using the defaults',
    );
    return defaultAlertsConfig();
  }
}
