/**
 * The trader's workspace — the main watchlist, the main chart's symbol and timeframe, renderer
 * layout fields such as the bottom tab — read from and written to the settings document, so what
 * was arranged survives a restart. Serves `workspace.get` / `workspace.update`.
 *
 * Every change goes through the settings handle's validated `update` (the whole document is
 * checked before anything is written). A profile's `watchlist` is this session's watchlist: it is
 * shown instead of the saved one and edits to it stay in memory, so a CI profile never rewrites a
 * trader's saved list. The renderer debounces its writes; this side writes each update it gets.
 *
 * Plain Node: no `electron` here, both hosts reach it through the ConnectionManager's dispatch.
 */
import {
  fail,
  ok,
  type ParsedRequestOf,
  type Result,
  type Workspace as WorkspaceView,
} from '../../shared/contract';
import { HotkeySettings } from '../../shared/hotkeys';
import type { Logger } from './log';
import type { CommandRouter } from './commands/router';
import { SettingsValidationError, type Settings, type SettingsHandle } from './settings';

/** The name the main watchlist gets when settings have none yet. */
const MAIN_WATCHLIST = 'Watchlist';

type Patch = ParsedRequestOf<'term:workspace.update'>;

export interface SessionWatchlist {
  symbols: readonly string[];
  /** Where it came from, for the log (the profile's file name). */
  source: string;
}

export interface WorkspaceOptions {
  settings: SettingsHandle;
  /** A profile's `watchlist`: used for this session instead of the saved one, never written. */
  sessionWatchlist?: SessionWatchlist;
  logger: Logger;
  /**
   * Told the main watchlist's symbols at start and after every change (null: none chosen, the UI
   * lists everything), so the engine streams what the trader watches.
   */
  onWatchlist?: (symbols: readonly string[] | null) => void;
}

export class Workspace {
  private readonly settings: SettingsHandle;
  private readonly log: Logger;
  private readonly onWatchlist: WorkspaceOptions['onWatchlist'];
  /** The profile's watchlist as edited this session; null when the saved one is in use. */
  private sessionSymbols: string[] | null;

  constructor(options: WorkspaceOptions) {
    this.settings = options.settings;
    this.log = options.logger.child({ component: 'workspace' });
    this.onWatchlist = options.onWatchlist;
    this.sessionSymbols = options.sessionWatchlist ? [...options.sessionWatchlist.symbols] : null;
    if (options.sessionWatchlist)
      this.log.info(
        { source: options.sessionWatchlist.source, symbols: this.sessionSymbols?.length },
        'watchlist from the profile for this session (not saved)',
      );
  }

  /** The workspace's channels on the engine's router (requests arrive parsed). */
  registerCommands(router: CommandRouter): void {
    router
      .register('term:workspace.get', () => ok(this.get()))
      .register('term:workspace.update', (req) => this.update(req));
  }

  get(): WorkspaceView {
    return this.view(this.settings.get());
  }

  /** Applies a validated partial; only the fields it names change. */
  /** The main watchlist's symbols, or null when none was chosen yet. */
  watchlistSymbols(): readonly string[] | null {
    const symbols = this.get().watchlists[0]?.symbols ?? [];
    return symbols.length === 0 ? null : symbols;
  }

  /**
   * The trader's saved "trading hotkeys on live accounts" choice (`layout.hotkeys.liveEnabled`);
   * off when never set or unreadable. The order desk asks it before a hotkey or DOM action on a
   * live account.
   */
  liveOneClickAllowed(): boolean {
    const parsed = HotkeySettings.safeParse(this.settings.get().layout.hotkeys);
    return parsed.success && parsed.data.liveEnabled;
  }

  update(patch: Patch): Result<WorkspaceView> {
    const r = this.apply(patch);
    if (r.ok && patch.watchlist !== undefined) this.onWatchlist?.(this.watchlistSymbols());
    return r;
  }

  private apply(patch: Patch): Result<WorkspaceView> {
    const toSettings: Patch = { ...patch };
    if (patch.watchlist !== undefined && this.sessionSymbols !== null) {
      this.sessionSymbols = [...patch.watchlist];
      delete toSettings.watchlist;
    }
    if (
      toSettings.watchlist === undefined &&
      toSettings.chart === undefined &&
      toSettings.layout === undefined
    )
      return ok(this.get());
    try {
      const next = this.settings.update((draft) => applyPatch(draft, toSettings));
      this.log.info(
        { fields: Object.keys(toSettings), persistent: this.settings.persistent },
        'workspace updated',
      );
      return ok(this.view(next));
    } catch (err) {
      if (err instanceof SettingsValidationError)
        return fail('invalid_request', `The workspace change was not saved: ${err.issues.join('; ')}`);
      // A write failure (disk full, permissions): say so rather than pretend it was kept.
      const reason = err instanceof Error ? err.message : String(err);
      this.log.error({ cause: reason }, 'workspace change could not be written');
      return fail('not_saved', `The workspace change could not be written to the settings file: ${reason}`);
    }
  }

  private view(settings: Settings): WorkspaceView {
    const watchlists = settings.watchlists.map((w) => ({ name: w.name, symbols: [...w.symbols] }));
    if (this.sessionSymbols !== null) {
      const main = { name: watchlists[0]?.name ?? MAIN_WATCHLIST, symbols: [...this.sessionSymbols] };
      watchlists.splice(0, 1, main);
    }
    return {
      watchlists,
      layout: structuredClone(settings.layout),
      charts: settings.charts.map((c) => ({
        symbol: c.symbol,
        timeframe: c.timeframe,
        ...(typeof c.connectionId === 'string' ? { connectionId: c.connectionId } : {}),
      })),
      watchlistSource: this.sessionSymbols === null ? 'settings' : 'profile',
      persistent: this.settings.persistent,
    };
  }
}

/** The settings document with the patch applied; keys the patch does not name are kept. */
function applyPatch(draft: Settings, patch: Patch): Settings {
  if (patch.watchlist !== undefined) {
    const main = draft.watchlists[0];
    const symbols = [...patch.watchlist];
    if (main === undefined) draft.watchlists.push({ name: MAIN_WATCHLIST, symbols });
    else draft.watchlists[0] = { ...main, symbols };
  }
  if (patch.chart !== undefined) {
    // Loose keys a newer build wrote on the main chart survive; a stale connection id does not.
    const chart: Settings['charts'][number] = { ...draft.charts[0], ...patch.chart };
    if (patch.chart.connectionId === undefined) delete chart.connectionId;
    if (draft.charts.length === 0) draft.charts.push(chart);
    else draft.charts[0] = chart;
  }
  if (patch.layout !== undefined) {
    for (const [key, value] of Object.entries(patch.layout))
      if (value !== undefined) draft.layout[key] = value;
  }
  return draft;
}
