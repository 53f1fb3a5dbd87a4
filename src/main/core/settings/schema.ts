/**
 * The settings document (settings.json in the data directory), current version. Older versions
 * are upgraded by ./migrations.ts before this schema ever sees them.
 *
 * Secrets are never part of it: a connection lists the names of the secrets it has stored in
 * the credential vault as `{ stored: true }`, nothing else. Objects that could hold a value are
 * strict, and option names that mean "secret" are refused, so a secret cannot be saved here by
 * mistake.
 */
import { z } from 'zod';
import { defaultAlertsConfig } from '../../../shared/alerts';
import { AccountMode, Timeframe } from '../../../shared/domain';
import { isSecretLikeName } from '../credentials/redaction';

/** Connection ids are the ledger's keys: two connections may never share one. */
export function refineUniqueConnectionIds(
  doc: { connections: { id: string }[] },
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  doc.connections.forEach((connection, index) => {
    if (seen.has(connection.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['connections', index, 'id'],
        message: `duplicate connection id "${connection.id}"`,
      });
    }
    seen.add(connection.id);
  });
}

export const SETTINGS_VERSION = 4;

/** Ids double as keychain account prefixes (`${id}/${key}`), hence no "/". */
export const ConnectionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1–64 letters, digits, ".", "_" or "-" (no "/")');

export const SecretName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1–64 letters, digits, ".", "_" or "-" (no "/")');

/** That a secret was saved to the credential vault; the vault's `has()` says whether it still is. */
export const SecretPresence = z.strictObject({ stored: z.literal(true) });

/** True for option names that would hold a credential: the one list the logger uses too. */
export { isSecretLikeName };

export const ConnectionOptions = z.record(z.string(), z.json()).superRefine((options, ctx) => {
  for (const name of Object.keys(options)) {
    if (isSecretLikeName(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `"${name}" looks like a secret: store it in the credential vault, not in settings`,
      });
    }
  }
});

export const ConnectionSettings = z.strictObject({
  id: ConnectionId,
  /** Adapter kind: paper, portfolio-stream, tradovate, alpaca, binance, … */
  kind: z.string().min(1),
  label: z.string(),
  mode: AccountMode,
  enabled: z.boolean(),
  /** Primary endpoint; absent means the adapter's default for `mode`. */
  url: z.url().optional(),
  /** Further named endpoints (e.g. `positions` / `orders` sockets, a `rest` base). */
  urls: z.record(z.string(), z.url()).default({}),
  /** Kind-specific, non-secret options, as declared by the adapter's config schema. */
  options: ConnectionOptions.default({}),
  secrets: z.record(SecretName, SecretPresence).default({}),
});
export type ConnectionSettings = z.infer<typeof ConnectionSettings>;

// Loose objects below: keys we do not know yet (written by a newer build, or by hand) survive a
// load/save round trip instead of being dropped silently.
export const Watchlist = z.looseObject({
  name: z.string().min(1),
  symbols: z.array(z.string().min(1)),
});
export type Watchlist = z.infer<typeof Watchlist>;

export const ChartChoice = z.looseObject({
  symbol: z.string().min(1),
  timeframe: Timeframe,
});
export type ChartChoice = z.infer<typeof ChartChoice>;

export const SettingsSchema = z
  .looseObject({
    schemaVersion: z.literal(SETTINGS_VERSION),
    connections: z.array(ConnectionSettings).default([]),
    watchlists: z.array(Watchlist).default([]),
    /** Owned by the renderer (panel sizes, visibility); opaque to the engine. */
    layout: z.record(z.string(), z.json()).default({}),
    /** One entry per chart pane, in display order. */
    charts: z.array(ChartChoice).default([]),
    /** v3's placeholder for alert rules (never written by a build); superseded by `alerts`. */
    alertRules: z.array(z.record(z.string(), z.json())).default([]),
    /**
     * Alert rules, risk limits and the sound switch (`AlertsConfig` in src/shared/alerts.ts).
     * Kept loose here and parsed when applied: one rule a newer build wrote, or a hand edit, must
     * never make the whole settings file unreadable; it is reported and the defaults are used.
     */
    alerts: z.record(z.string(), z.unknown()).default(() => ({ ...defaultAlertsConfig() })),
  })
  .superRefine(refineUniqueConnectionIds);
export type Settings = z.infer<typeof SettingsSchema>;

export function defaultSettings(): Settings {
  return {
    schemaVersion: SETTINGS_VERSION,
    // The built-in paper broker, so a fresh install shows a working terminal.
    connections: [
      {
        id: 'paper',
        kind: 'paper',
        label: 'Paper',
        mode: 'paper',
        enabled: true,
        urls: {},
        options: {},
        secrets: {},
      },
    ],
    watchlists: [{ name: 'Watchlist', symbols: [] }],
    layout: {},
    charts: [],
    alertRules: [],
    alerts: { ...defaultAlertsConfig() },
  };
}

/** JSON Schema (draft 2020-12) of the settings file, for editors and external tools. */
export function settingsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SettingsSchema, { io: 'input' });
}
