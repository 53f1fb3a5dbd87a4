/**
 * The IPC contract: for every channel in `channels.ts`, the zod schema of its request and of its
 * result. Hosts parse every request with these before the engine sees it; results are typed
 * `Result`s so a rejected order says why across any transport.
 */
import { z } from 'zod';
import type { Channel } from './channels';
import {
  AccountMode,
  Bar,
  ConnectionHealth,
  HeldBy,
  Order,
  OrderListType,
  OrderType,
  Side,
  TimeInForce,
  Timeframe,
  TrailingParams,
} from './domain';
import { AlertFiring, AlertsConfig, RiskStatus, UNLOCK_PHRASE } from './alerts';
import { JournalExport, JournalExportRequest, JournalRange, JournalView } from './journal';
import { Snapshot } from './stream';
import { HotkeySettings } from './hotkeys';

export const CommandError = z.object({
  /** Machine-readable: invalid_request, unknown_symbol, off_tick, rejected, not_found, … */
  code: z.string(),
  /** A sentence a trader can read. */
  message: z.string(),
  /**
   * What is wrong with each field of a form, by the field's name in the request (`label`, `id`,
   * `fields.url`, …), as a sentence a trader can read: forms show it beside the field.
   */
  fields: z.record(z.string(), z.string()).optional(),
});
export type CommandError = z.infer<typeof CommandError>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: CommandError };
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
export function fail<T = never>(code: string, message: string, fields?: Record<string, string>): Result<T> {
  return { ok: false, error: fields === undefined ? { code, message } : { code, message, fields } };
}

const result = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: CommandError }),
  ]);

/**
 * A client order id as every broker we speak accepts it (Binance: at most 36 of
 * `[.A-Z:/a-z0-9_-]`; we use the common subset). Made by the main process, once per intent.
 */
export const ClientOrderId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,36}$/, 'a client order id is 8–36 letters, digits, "_" or "-"');

/** A key that makes a retried modify or cancel the same request, not a second one. */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'an idempotency key is 8–64 letters, digits, "_" or "-"');

/**
 * Where an order action came from: the ticket or a table (the default when absent), a trading
 * hotkey, the DOM ladder (one click), or the chart (Alt+click, confirmed in a popover). The desk
 * refuses hotkey and DOM actions on live accounts unless the trader allowed them, and logs it.
 */
const OrderOrigin = z.enum(['ticket', 'hotkey', 'dom', 'chart']);
export type OrderOrigin = z.infer<typeof OrderOrigin>;

export const PlaceOrderRequest = z
  .object({
    connectionId: z.string().min(1),
    accountId: z.string().min(1),
    symbol: z.string().min(1),
    side: Side,
    type: OrderType,
    qty: z.number().positive().finite(),
    limitPrice: z.number().positive().finite().optional(),
    stopPrice: z.number().positive().finite().optional(),
    tif: TimeInForce.default('day'),
    /** Trailing stops only: how far the stop trails and from when. */
    trail: TrailingParams.optional(),
    /**
     * The trader's intent id (from `orders.newClientOrderId`, once per click): a retry after a
     * dropped link or an ambiguous result carries the same id, and the engine never places a
     * second order for it. Without one the desk makes one.
     */
    clientOrderId: ClientOrderId.optional(),
    /** The trader confirmed an order above the fat-finger size (risk limits ask for it). */
    confirmLarge: z.boolean().optional(),
    origin: OrderOrigin.optional(),
  })
  .superRefine((o, ctx) => {
    if ((o.type === 'limit' || o.type === 'stop_limit') && o.limitPrice === undefined)
      ctx.addIssue({
        code: 'custom',
        message: `a ${o.type} order needs a limit price`,
        path: ['limitPrice'],
      });
    if ((o.type === 'stop' || o.type === 'stop_limit') && o.stopPrice === undefined)
      ctx.addIssue({ code: 'custom', message: `a ${o.type} order needs a stop price`, path: ['stopPrice'] });
    if (o.type === 'trailing_stop' && o.trail === undefined)
      ctx.addIssue({ code: 'custom', message: 'a trailing stop needs trailing parameters', path: ['trail'] });
    if (o.type !== 'trailing_stop' && o.trail !== undefined)
      ctx.addIssue({ code: 'custom', message: `a ${o.type} order does not trail`, path: ['trail'] });
  });
export type PlaceOrderRequest = z.input<typeof PlaceOrderRequest>;

/** Orders are named by connection and broker id: ids are only unique per broker. */
const OrderRef = z.object({ connectionId: z.string().min(1), orderId: z.string().min(1) });
export const ModifyOrderRequest = OrderRef.extend({
  qty: z.number().positive().finite().optional(),
  limitPrice: z.number().positive().finite().optional(),
  stopPrice: z.number().positive().finite().optional(),
  /** One per edit, reused by its retries; the desk makes one when absent. */
  idempotencyKey: IdempotencyKey.optional(),
  origin: OrderOrigin.optional(),
}).refine(
  (m) => m.qty !== undefined || m.limitPrice !== undefined || m.stopPrice !== undefined,
  'a modify changes at least one of qty, limitPrice or stopPrice',
);
export type ModifyOrderRequest = z.input<typeof ModifyOrderRequest>;
export const CancelOrderRequest = OrderRef.extend({
  idempotencyKey: IdempotencyKey.optional(),
  origin: OrderOrigin.optional(),
});
/**
 * Where a protective exit goes: an absolute price, or a whole number of ticks from the entry's
 * fill price (a bracket's exits; resolved when the entry fills, so a market entry gets exits at
 * the distance the trader chose from where it actually filled).
 */
export const ExitPrice = z.union([
  z.object({ price: z.number().positive().finite() }).strict(),
  z.object({ ticks: z.number().int().positive().max(100_000) }).strict(),
]);
export type ExitPrice = z.infer<typeof ExitPrice>;

/** One leg of an OCO pair: a resting order that cancels its sibling when it fills. */
export const OcoLeg = z
  .object({
    type: z.enum(['limit', 'stop', 'stop_limit']),
    limitPrice: z.number().positive().finite().optional(),
    stopPrice: z.number().positive().finite().optional(),
  })
  .superRefine((o, ctx) => {
    if (o.type !== 'stop' && o.limitPrice === undefined)
      ctx.addIssue({ code: 'custom', message: `a ${o.type} leg needs a limit price`, path: ['limitPrice'] });
    if (o.type !== 'limit' && o.stopPrice === undefined)
      ctx.addIssue({ code: 'custom', message: `a ${o.type} leg needs a stop price`, path: ['stopPrice'] });
  });
export type OcoLeg = z.infer<typeof OcoLeg>;

const ProtectionBase = z.object({
  connectionId: z.string().min(1),
  accountId: z.string().min(1),
  symbol: z.string().min(1),
  side: Side,
  qty: z.number().positive().finite(),
  tif: TimeInForce.default('gtc'),
  /**
   * The trader's intent id (one per click, from `orders.newClientOrderId`): the protection's id,
   * from which every child order's client order id derives; a retry never places it twice.
   */
  clientOrderId: ClientOrderId.optional(),
});

/**
 * A protection request. `side` is the side of the protective orders (OCO legs, trailing stop),
 * or of the entry for a bracket (its exits take the other side).
 */
export const ProtectionRequest = z.discriminatedUnion('kind', [
  ProtectionBase.extend({ kind: z.literal('oco'), legs: z.tuple([OcoLeg, OcoLeg]) }),
  ProtectionBase.extend({ kind: z.literal('trailing'), trail: TrailingParams }),
  ProtectionBase.extend({
    kind: z.literal('bracket'),
    entry: z
      .object({
        type: z.enum(['market', 'limit']),
        limitPrice: z.number().positive().finite().optional(),
      })
      .refine((e) => e.type === 'market' || e.limitPrice !== undefined, 'a limit entry needs a limit price'),
    target: ExitPrice,
    stop: ExitPrice,
  }),
]);
export type ProtectionRequest = z.input<typeof ProtectionRequest>;
export type ParsedProtectionRequest = z.output<typeof ProtectionRequest>;

export const ProtectionStatus = z.enum(['active', 'done', 'failed']);
/** One protection as the engine manages it. */
export const ProtectionView = z.object({
  id: z.string(),
  kind: z.enum(['oco', 'bracket', 'trailing']),
  listType: OrderListType.nullable(),
  connectionId: z.string(),
  symbol: z.string(),
  heldBy: HeldBy,
  status: ProtectionStatus,
  /** Why it is done or failed, in words. */
  note: z.string().nullable(),
  /** Client order ids of its orders, by role. */
  orders: z.record(z.string(), z.string()),
});
export type ProtectionView = z.infer<typeof ProtectionView>;
export const CancelProtectionRequest = z.object({ id: z.string().min(1) });

export const NewClientOrderId = z.object({ clientOrderId: ClientOrderId });
export const AcknowledgeAlertRequest = z.object({ id: z.string().min(1) });
export const ClosePositionRequest = z.object({
  connectionId: z.string().min(1),
  accountId: z.string().min(1),
  symbol: z.string().min(1),
  /**
   * Close only: also cancel the symbol's working orders first, as flatten does (the UI's default).
   * Absent or false: only the closing order is sent and resting orders stay working.
   */
  cancelWorking: z.boolean().optional(),
  origin: OrderOrigin.optional(),
});
/** What a cancel-all did, order by order: one refusal does not hide the others. */
export const CancelAllResult = z.object({
  cancelled: z.array(Order),
  failed: z.array(z.object({ orderId: z.string(), message: z.string() })),
  /**
   * Orders still being placed whose outcome is unknown: not cancelled yet, but the desk cancels
   * each once the broker confirms it. Absent when there are none.
   */
  pending: z.array(z.object({ clientOrderId: z.string(), message: z.string() })).optional(),
});
export type CancelAllResult = z.infer<typeof CancelAllResult>;
export const OpenChartRequest = z.object({ symbol: z.string().min(1), timeframe: Timeframe });
export const ChartHistory = z.object({
  series: z.string(),
  symbol: z.string(),
  timeframe: Timeframe,
  bars: z.array(Bar),
});
export type ChartHistory = z.infer<typeof ChartHistory>;
export const CloseChartRequest = z.object({ series: z.string().min(1) });
/** One listing's order book, watched by a DOM ladder. */
export const DepthWatchRequest = z.object({
  connectionId: z.string().min(1).max(200),
  symbol: z.string().min(1).max(100),
});
/** Scrolling back: bars of an open series that open before `before` (epoch ms). */
export const OlderChartRequest = z.object({
  series: z.string().min(1),
  before: z.number().int().positive(),
  count: z.number().int().min(1).max(2000),
});
export const OlderChartHistory = z.object({
  series: z.string(),
  bars: z.array(Bar),
  /** False when the connection has nothing older or cannot page (then `reason` says which). */
  more: z.boolean(),
  reason: z.string().optional(),
});
export type OlderChartHistory = z.infer<typeof OlderChartHistory>;
export const ConnectionRequest = z.object({ id: z.string().min(1) });

// ---- connection manager, credentials, settings -------------------------------------------------
// Secrets travel renderer → main only: requests may carry them, no response schema has a place
// for one (secret fields are reported as `{ name, stored }`).

/** Ids double as keychain account prefixes (`${id}/${key}`), hence no "/". */
export const ConnectionIdText = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1–64 letters, digits, ".", "_" or "-"');

/** One input of a connection kind's form, declared by the kind (the form is generated from it). */
export const ConfigField = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(['text', 'url', 'select', 'secret', 'number']),
  required: z.boolean(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  help: z.string().optional(),
  options: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
  /** For `url` fields (the kind's named endpoints): the standard address per environment. */
  presets: z.partialRecord(AccountMode, z.string()).optional(),
});
export type ConfigField = z.infer<typeof ConfigField>;

export const ConnectionKindInfo = z.object({
  kind: z.string(),
  title: z.string(),
  /** False while the kind's adapter does not exist: listed, never connectable. */
  available: z.boolean(),
  unavailableReason: z.string().optional(),
  /** Built in once (the paper broker): cannot be added, edited or removed. */
  builtIn: z.boolean(),
  /** Environments the kind can connect to, and the one a new connection starts with. */
  modes: z.array(AccountMode),
  defaultMode: AccountMode,
  /** The endpoint per environment when the kind has standard ones; a custom URL overrides it. */
  urlPresets: z.partialRecord(AccountMode, z.string()).optional(),
  fields: z.array(ConfigField),
});
export type ConnectionKindInfo = z.infer<typeof ConnectionKindInfo>;

export const SecretStatus = z.object({ name: z.string(), stored: z.boolean() });

export const ConnectionSource = z.enum(['builtin', 'settings', 'profile', 'environment']);
export type ConnectionSource = z.infer<typeof ConnectionSource>;

export const ConnectionEntry = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string(),
  mode: AccountMode,
  enabled: z.boolean(),
  /** Non-secret form values by field name (url included). */
  fields: z.record(z.string(), z.string()),
  secrets: z.array(SecretStatus),
  /** Saved in settings, built in, or declared for this session by a profile or the environment. */
  source: ConnectionSource,
  /** e.g. the profile's file name. */
  sourceDetail: z.string().nullable(),
  /** Only saved connections can be edited, removed or toggled from the UI. */
  editable: z.boolean(),
  /** Running in the engine right now. */
  running: z.boolean(),
  /** Why an enabled connection is not running (missing secret, unknown kind, …). */
  problem: z.string().nullable(),
  health: ConnectionHealth.nullable(),
});
export type ConnectionEntry = z.infer<typeof ConnectionEntry>;

export const VaultInfo = z.object({
  backend: z.enum(['keychain', 'memory']),
  /** Set when secrets are kept in memory only: why, in words for the UI. */
  reason: z.string().nullable(),
});
export type VaultInfo = z.infer<typeof VaultInfo>;

export const ConnectionsListing = z.object({
  connections: z.array(ConnectionEntry),
  kinds: z.array(ConnectionKindInfo),
  vault: VaultInfo,
  /** False when settings changes cannot be written this session. */
  settingsPersistent: z.boolean(),
});
export type ConnectionsListing = z.infer<typeof ConnectionsListing>;

/** The longest secret accepted anywhere (form, credentials.set, vault, profile, environment). */
export const MAX_SECRET_CHARS = 16_384;

export const ConnectionForm = z.object({
  /** When editing: the id the connection was saved under (the id itself may change). */
  originalId: z.string().optional(),
  id: ConnectionIdText,
  kind: z.string().min(1),
  label: z.string().trim().min(1, 'give the connection a name').max(80),
  mode: AccountMode,
  enabled: z.boolean().default(true),
  /** Non-secret values by field name; empty strings mean "not set". */
  fields: z.record(z.string(), z.string()).default({}),
  /** New secret values by field name. A secret left out keeps what the vault holds. */
  secrets: z.record(z.string(), z.string().max(MAX_SECRET_CHARS)).default({}),
});
export type ConnectionForm = z.input<typeof ConnectionForm>;

export const TestOutcome = z.object({
  success: z.boolean(),
  /** The state the trial connection reached (live, stopped, backoff, …). */
  state: z.string(),
  /** "Connected" or the broker's own words (e.g. the gateway's 1008 close reason). */
  message: z.string(),
  elapsedMs: z.number(),
});
export type TestOutcome = z.infer<typeof TestOutcome>;

export const SetEnabledRequest = z.object({ id: z.string().min(1), enabled: z.boolean() });
export const CredentialKey = z.object({ connectionId: z.string().min(1), key: z.string().min(1) });
export const SetCredentialRequest = CredentialKey.extend({ secret: z.string().min(1).max(MAX_SECRET_CHARS) });
export const CredentialPresence = z.object({ stored: z.boolean(), backend: VaultInfo.shape.backend });

export const SettingsProblem = z.object({
  kind: z.string(),
  message: z.string(),
  movedTo: z.string().optional(),
});
export type SettingsProblem = z.infer<typeof SettingsProblem>;

// ---- workspace: what the trader arranged ------------------------------------------------------
// Kept in the settings document (watchlists, layout, charts). Requests are strict objects of
// known fields only, so nothing but symbols, a timeframe and tab names can be written through them.

/** A symbol as a broker lists it: printable, no leading, trailing or repeated spaces. */
export const WatchSymbol = z
  .string()
  .min(1, 'a symbol cannot be empty')
  .max(40, 'a symbol has at most 40 characters')
  .regex(/^[^\p{Cc}\s]+(?: [^\p{Cc}\s]+)*$/u, 'a symbol is printable text without stray spaces');

export const WATCHLIST_MAX = 500;

export const WatchlistSymbols = z
  .array(WatchSymbol)
  .max(WATCHLIST_MAX, `a watchlist holds at most ${WATCHLIST_MAX} symbols`)
  .refine((symbols) => new Set(symbols).size === symbols.length, 'a watchlist lists each symbol once');

/** The bottom panel's tabs, in display order. */
export const BottomTab = z.enum([
  'Positions',
  'Orders',
  'Fills',
  'Journal',
  'Connections',
  'Alerts',
  'Risk',
  'DOM',
]);
export type BottomTab = z.infer<typeof BottomTab>;

/** The main chart: a symbol and timeframe, and which connection's listing when known. */
export const ChartView = z.strictObject({
  symbol: WatchSymbol,
  timeframe: Timeframe,
  connectionId: ConnectionIdText.optional(),
});
export type ChartView = z.infer<typeof ChartView>;

/** A pane size in CSS pixels, as the trader dragged a splitter; the screen fits it to the window. */
const PaneSize = z.number().int().min(0).max(10_000);

/** The layout fields the renderer uses; unknown ones are refused rather than stored. */
export const LayoutUpdate = z.strictObject({
  bottomTab: BottomTab.optional(),
  /** Trading hotkeys and whether they may trade live accounts. */
  hotkeys: HotkeySettings.optional(),
  /** The splitters: the watchlist's and the ticket's widths and the bottom panel's height. */
  watchlistWidth: PaneSize.optional(),
  ticketWidth: PaneSize.optional(),
  bottomHeight: PaneSize.optional(),
});

export const WorkspaceUpdate = z
  .strictObject({
    /** The main watchlist's symbols, in display order. */
    watchlist: WatchlistSymbols.optional(),
    chart: ChartView.optional(),
    layout: LayoutUpdate.optional(),
  })
  .refine(
    (u) => u.watchlist !== undefined || u.chart !== undefined || u.layout !== undefined,
    'a workspace update changes at least one of watchlist, chart or layout',
  );
export type WorkspaceUpdate = z.input<typeof WorkspaceUpdate>;

export const Workspace = z.object({
  /**
   * The first is the main watchlist. Its empty list means "not chosen yet": the watchlist then
   * shows every instrument the connections list.
   */
  watchlists: z.array(z.object({ name: z.string(), symbols: z.array(z.string()) })),
  /** Renderer-owned layout fields (e.g. `bottomTab`); other keys are kept but not interpreted. */
  layout: z.record(z.string(), z.json()),
  /** One per chart pane, the main chart first. */
  charts: z.array(
    z.object({ symbol: z.string(), timeframe: Timeframe, connectionId: z.string().optional() }),
  ),
  /** `profile`: the main watchlist came from `--profile` and changes to it are not saved. */
  watchlistSource: z.enum(['settings', 'profile']),
  /** False when the settings file cannot be written this session: changes last until quit. */
  persistent: z.boolean(),
});
export type Workspace = z.infer<typeof Workspace>;

// ---- alerts and risk ---------------------------------------------------------------------------

export const AlertsConfigView = z.object({
  config: AlertsConfig,
  /** `profile`: the rules came from `--profile` and changes last for this session only. */
  source: z.enum(['settings', 'profile', 'session']),
  /** False when changes cannot be written to the settings file this session. */
  persistent: z.boolean(),
});
export type AlertsConfigView = z.infer<typeof AlertsConfigView>;
export const PauseAlertsRequest = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60),
});
export const KillSwitchRequest = z.strictObject({
  /** Also close every position after cancelling working orders (default). */
  flatten: z.boolean().default(true),
  reason: z.string().max(200).optional(),
});
export const UnlockRequest = z.strictObject({
  confirm: z.literal(UNLOCK_PHRASE, { error: `type ${UNLOCK_PHRASE} to unlock trading` }),
});

const Empty = z.object({}).strict();
const Done = result(z.object({}));

export const contract = {
  'term:stream.snapshot': { request: Empty, response: Snapshot },
  'term:orders.place': { request: PlaceOrderRequest, response: result(Order) },
  'term:orders.modify': { request: ModifyOrderRequest, response: result(Order) },
  'term:orders.cancel': { request: CancelOrderRequest, response: result(Order) },
  'term:orders.newClientOrderId': { request: Empty, response: result(NewClientOrderId) },
  /** Every working order of one account on one symbol (the hotkey "cancel all on the symbol"). */
  'term:orders.cancelAll': { request: ClosePositionRequest, response: result(CancelAllResult) },
  'term:protection.place': { request: ProtectionRequest, response: result(ProtectionView) },
  'term:protection.cancel': { request: CancelProtectionRequest, response: result(ProtectionView) },
  'term:positions.close': { request: ClosePositionRequest, response: result(z.array(Order)) },
  /** Cancel every working order on the symbol, then close the position: nothing can re-open it. */
  'term:positions.flatten': { request: ClosePositionRequest, response: result(z.array(Order)) },
  /** One market order of twice the position on the other side: long 2 becomes short 2. */
  'term:positions.reverse': { request: ClosePositionRequest, response: result(z.array(Order)) },
  'term:journal.trades': { request: JournalRange, response: result(JournalView) },
  'term:journal.exportCsv': { request: JournalExportRequest, response: result(JournalExport) },
  'term:charts.open': { request: OpenChartRequest, response: result(ChartHistory) },
  'term:charts.close': { request: CloseChartRequest, response: Done },
  'term:charts.history': { request: OlderChartRequest, response: result(OlderChartHistory) },
  'term:depth.watch': { request: DepthWatchRequest, response: Done },
  'term:depth.unwatch': { request: DepthWatchRequest, response: Done },
  'term:connections.reconnect': { request: ConnectionRequest, response: Done },
  'term:connections.disconnect': { request: ConnectionRequest, response: Done },
  'term:connections.list': { request: Empty, response: result(ConnectionsListing) },
  'term:connections.save': { request: ConnectionForm, response: result(ConnectionEntry) },
  'term:connections.remove': { request: ConnectionRequest, response: Done },
  'term:connections.setEnabled': { request: SetEnabledRequest, response: result(ConnectionEntry) },
  'term:connections.test': { request: ConnectionForm, response: result(TestOutcome) },
  'term:credentials.set': { request: SetCredentialRequest, response: Done },
  'term:credentials.has': { request: CredentialKey, response: result(CredentialPresence) },
  'term:settings.problems': { request: Empty, response: z.array(SettingsProblem) },
  'term:workspace.get': { request: Empty, response: result(Workspace) },
  'term:workspace.update': { request: WorkspaceUpdate, response: result(Workspace) },
  'term:alerts.acknowledge': { request: AcknowledgeAlertRequest, response: Done },
  'term:alerts.config': { request: Empty, response: result(AlertsConfigView) },
  'term:alerts.saveConfig': { request: AlertsConfig, response: result(AlertsConfigView) },
  'term:alerts.pause': {
    request: PauseAlertsRequest,
    response: result(z.object({ pausedUntil: z.number().nullable() })),
  },
  'term:alerts.history': { request: Empty, response: result(z.array(AlertFiring)) },
  'term:risk.status': { request: Empty, response: result(RiskStatus) },
  'term:risk.killSwitch': { request: KillSwitchRequest, response: result(RiskStatus) },
  'term:risk.unlock': { request: UnlockRequest, response: result(RiskStatus) },
} as const satisfies Record<Channel, { request: z.ZodType; response: z.ZodType }>;

export type Contract = typeof contract;
/** What a caller passes (defaults may be omitted). */
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
/** What a handler receives after parsing. */
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>;
