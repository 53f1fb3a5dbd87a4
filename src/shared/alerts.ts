/**
 * Alert rules, risk limits and the risk status: the vocabulary the engine evaluates, the settings
 * file stores, a profile declares and the renderer edits. Money is in the account currency; a
 * rule or limit across accounts adds accounts of the first account's currency only (as the tray).
 */
import { z } from 'zod';

/** How a threshold is crossed; the band is how far back the value must go to re-arm the rule. */
export const Direction = z.enum(['above', 'below']);
export type Direction = z.infer<typeof Direction>;

const money = z.number().finite();
const band = z.number().finite().min(0).default(0);
const RuleId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a rule id is 1–40 letters, digits, "_" or "-"');

const common = {
  id: RuleId,
  enabled: z.boolean().default(true),
  /** Play a sound with the notification (the renderer's toast and the desktop notification). */
  sound: z.boolean().default(true),
};

/**
 * P&L (open + day realized, net of fees) above or below a threshold: across every account
 * (`total`), for one account (`account`, keyed `${connectionId}:${accountId}`) or one symbol's
 * position (`position`; any account holding it unless `account` is given).
 */
export const PnlRule = z.strictObject({
  ...common,
  kind: z.literal('pnl'),
  scope: z.enum(['total', 'account', 'position']).default('total'),
  account: z.string().min(1).optional(),
  symbol: z.string().min(1).optional(),
  direction: Direction,
  threshold: money,
  /** Re-arm once the value is back this far on the other side of the threshold. */
  hysteresis: band,
});

/** Total P&L fell this far below the day's peak (re-arms after it recovers by `hysteresis`). */
export const DrawdownRule = z.strictObject({
  ...common,
  kind: z.literal('drawdown'),
  amount: z.number().finite().positive(),
  hysteresis: band,
});

/** A symbol's price (last trade, or mid without one) crossing a level. */
export const PriceRule = z.strictObject({
  ...common,
  kind: z.literal('price'),
  symbol: z.string().min(1),
  connectionId: z.string().min(1).optional(),
  direction: Direction,
  level: z.number().finite().positive(),
  hysteresis: band,
});

/** A connection left `live` (lost) and came back (recovered). */
export const ConnectionRule = z.strictObject({ ...common, kind: z.literal('connection') });

/** A quote feed silent, or an account unverified, for longer than `seconds`. */
export const StaleRule = z.strictObject({
  ...common,
  kind: z.literal('stale'),
  seconds: z.number().int().min(1).max(3_600).default(30),
});
export const UnverifiedRule = z.strictObject({
  ...common,
  kind: z.literal('unverified'),
  seconds: z.number().int().min(1).max(3_600).default(30),
});

/** Discrete events: a fill, an order rejected, protection failed or fell back to the terminal, a signal. */
export const FillRule = z.strictObject({ ...common, kind: z.literal('fill') });
export const RejectedRule = z.strictObject({ ...common, kind: z.literal('rejected') });
export const ProtectionRule = z.strictObject({ ...common, kind: z.literal('protection') });
export const SignalRule = z.strictObject({ ...common, kind: z.literal('signal') });

export const AlertRule = z.discriminatedUnion('kind', [
  PnlRule,
  DrawdownRule,
  PriceRule,
  ConnectionRule,
  StaleRule,
  UnverifiedRule,
  FillRule,
  RejectedRule,
  ProtectionRule,
  SignalRule,
]);
export type AlertRule = z.infer<typeof AlertRule>;
export type AlertRuleInput = z.input<typeof AlertRule>;
export type AlertRuleKind = AlertRule['kind'];

const positiveOrNull = z.number().finite().positive().nullable().default(null);

/**
 * Risk limits, enforced by the terminal in front of its order desk (every order path). Null: no
 * limit. What they cannot guarantee: an order placed outside Peregrine (broker website, another
 * app) is not seen until the broker reports it, and a flatten needs the broker to answer.
 */
export const RiskLimits = z.strictObject({
  /** Day P&L (all accounts together) at or below minus this fires the kill switch. */
  dailyLoss: positiveOrNull,
  /** The same, per account. */
  accountDailyLoss: positiveOrNull,
  /** Largest position per symbol (absolute quantity), counting working orders on the same side. */
  maxPosition: positiveOrNull,
  maxOrderQty: positiveOrNull,
  /** Quantity × price × multiplier of one order. */
  maxOrderNotional: positiveOrNull,
  /** Orders above this quantity need an explicit confirmation (fat-finger guard). */
  confirmQtyAbove: positiveOrNull,
  /** Per-symbol overrides of `confirmQtyAbove`. */
  confirmQtyAboveBySymbol: z.record(z.string().min(1), z.number().finite().positive()).default({}),
  maxOpenOrders: z.number().int().positive().nullable().default(null),
  /** On a daily-loss breach, flatten every position after cancelling working orders. */
  flattenOnBreach: z.boolean().default(true),
});
export type RiskLimits = z.infer<typeof RiskLimits>;

export const AlertsConfig = z.strictObject({
  rules: z
    .array(AlertRule)
    .max(200, 'at most 200 rules')
    .default([])
    .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'each rule needs its own id'),
  limits: RiskLimits.default(RiskLimits.parse({})),
  /** Master switch for alert sounds. */
  sound: z.boolean().default(true),
});
export type AlertsConfig = z.infer<typeof AlertsConfig>;
export type AlertsConfigInput = z.input<typeof AlertsConfig>;

/**
 * A fresh install's rules: a lost or recovered connection, a rejected order, failed protection
 * and a gateway's trading signal alert with a toast and a sound out of the box (not only a status pill). No risk limits: the
 * trader sets those.
 */
export function defaultAlertsConfig(): AlertsConfig {
  return AlertsConfig.parse({
    rules: [
      { id: 'connection', kind: 'connection' },
      { id: 'rejected', kind: 'rejected' },
      { id: 'protection', kind: 'protection' },
      // Fires only when a signals gateway is connected: a signal is shown, never executed.
      { id: 'signal', kind: 'signal' },
    ],
  });
}

/** One journaled firing, as the history panel lists it. */
export const AlertFiring = z.object({
  ts: z.number(),
  ruleId: z.string(),
  kind: z.string(),
  level: z.enum(['info', 'warning', 'critical']),
  title: z.string(),
  message: z.string(),
  /** The value that crossed (P&L, price, seconds), when the rule has one. */
  value: z.number().nullable(),
  /** Delivered without notification or sound because alerts were paused. */
  muted: z.boolean(),
});
export type AlertFiring = z.infer<typeof AlertFiring>;

export const KillStepName = z.enum(['lock', 'cancel', 'flatten', 'verify']);
export const KillStep = z.object({
  step: KillStepName,
  state: z.enum(['running', 'done', 'failed', 'skipped']),
  detail: z.string(),
  ts: z.number(),
});
export type KillStep = z.infer<typeof KillStep>;

export const RiskStatus = z.object({
  locked: z.boolean(),
  lockedAt: z.number().nullable(),
  /** The next session start; an explicit, confirmed unlock ends the lock earlier. */
  lockedUntil: z.number().nullable(),
  reason: z.string().nullable(),
  killSwitch: z.object({
    state: z.enum(['idle', 'running', 'done', 'incomplete']),
    steps: z.array(KillStep),
  }),
  /** Day P&L across accounts (first account's currency) and how much of the limit it uses. */
  dayPnl: z.number(),
  currency: z.string(),
  dailyLoss: z.number().nullable(),
  /** Worst state for the top bar and the tray. */
  level: z.enum(['ok', 'warning', 'alarm']),
  pausedUntil: z.number().nullable(),
  limits: RiskLimits,
  /** What the terminal cannot guarantee, in words (shown in the UI). */
  caveats: z.array(z.string()),
});
export type RiskStatus = z.infer<typeof RiskStatus>;

/** The sentence the unlock request must carry: an unlock is never a stray click. */
export const UNLOCK_PHRASE = 'UNLOCK';

/** The caveats the risk panel and the docs show. */
export const RISK_CAVEATS: readonly string[] = [
  'Limits are enforced by this terminal, in front of its order desk: orders placed elsewhere (the broker’s website or app, another program) are not stopped and are only counted once the broker reports them.',
  'The daily-loss check runs on live marks every half second: a fast market can move past the limit before the kill switch acts, and a stale feed delays it.',
  'Flattening needs each broker to answer: a broker that does not acknowledge in time is named, never assumed done.',
  'Nothing is enforced while Peregrine is not running; use the broker’s own risk settings for a guarantee that holds without this terminal.',
];
