/**
 * Where alert rules and risk limits are kept: the settings document's `alerts` section, or a
 * profile's `alerts` for the session (never written). The engine serves `alerts.config` /
 * `alerts.saveConfig` through an `AlertsStore`; without one (an engine on its own, tests) they
 * last for the session in memory. A section in the file that no longer parses (a hand edit, a
 * newer build) is logged by path and the defaults run instead of no protection at all; the file
 * is left as it is until the trader saves.
 */
import { AlertsConfig, defaultAlertsConfig } from '../../../shared/alerts';
import { fail, ok, type AlertsConfigView, type Result } from '../../../shared/contract';
import { describeIssues } from '../../../shared/issues';
import type { Logger } from '../log';
import { SettingsValidationError, type SettingsHandle } from '../settings';

export interface AlertsStore {
  /** The config to apply, and where it lives. */
  view(): AlertsConfigView;
  /** Keeps an already validated config; refuses with a reason when it cannot be written. */
  save(config: AlertsConfig): Result<AlertsConfigView>;
}

/** For an engine without settings: the session's rules, in memory. */
export class SessionAlertsStore implements AlertsStore {
  private config = defaultAlertsConfig();
  view(): AlertsConfigView {
    return { config: this.config, source: 'session', persistent: false };
  }
  save(config: AlertsConfig): Result<AlertsConfigView> {
    this.config = config;
    return ok(this.view());
  }
}

export interface AlertSettingsOptions {
  settings: SettingsHandle;
  /** A profile's `alerts`: this session's rules, never written to settings. */
  session?: { config: AlertsConfig; source: string };
  logger: Logger;
}

export class AlertSettings implements AlertsStore {
  private readonly settings: SettingsHandle;
  private readonly log: Logger;
  private session: AlertsConfig | null;

  constructor(options: AlertSettingsOptions) {
    this.settings = options.settings;
    this.log = options.logger.child({ component: 'alert-settings' });
    this.session = options.session?.config ?? null;
    if (options.session !== undefined)
      this.log.info(
        { source: options.session.source },
        'alert rules from the profile for this session (not saved)',
      );
  }

  view(): AlertsConfigView {
    return {
      config: this.current(),
      source: this.session === null ? 'settings' : 'profile',
      persistent: this.session === null && this.settings.persistent,
    };
  }

  save(config: AlertsConfig): Result<AlertsConfigView> {
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
    this.log.info({ rules: config.rules.length, persistent: this.view().persistent }, 'alert rules saved');
    return ok(this.view());
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
