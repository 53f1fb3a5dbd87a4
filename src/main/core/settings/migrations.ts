/**
 * Our own ordered settings migrations (not the store library's `migrations` option, which keys
 * on the app version and cannot be tested apart from the store). Each step upgrades exactly one
 * `schemaVersion` to the next, is pure, and leaves every value it does not reshape untouched;
 * a step applied to a document that is not at its `from` version returns it unchanged, so
 * running the chain twice is the same as running it once.
 *
 * Version history:
 * - v1 (before versioning; `schemaVersion` absent or 1): `watchlist: string[]`,
 *   `connections[].env: 'paper' | 'demo' | 'live'`, a single `chart: { symbol, timeframe }`.
 * - v2: `watchlists: [{ name, symbols }]`, `connections[].mode`.
 * - v3: `charts: [{ symbol, timeframe }]` (one per chart pane), `alertRules: []`,
 *   `connections[].enabled` always present.
 * - v4: `alerts: { rules, limits, sound }` (alert rules and risk limits; see src/shared/alerts.ts).
 */
import { defaultAlertsConfig } from '../../../shared/alerts';
import { SETTINGS_VERSION } from './schema';

export type JsonObject = Record<string, unknown>;

export interface Migration {
  from: number;
  to: number;
  describe: string;
  up(doc: JsonObject): JsonObject;
}

export const migrations: readonly Migration[] = [
  {
    from: 1,
    to: 2,
    describe: 'watchlist → watchlists[{ name, symbols }]; connections[].env → mode',
    up(doc) {
      const next: JsonObject = { ...doc, schemaVersion: 2 };
      if (Array.isArray(doc.watchlist)) {
        const existing = Array.isArray(doc.watchlists) ? doc.watchlists : [];
        next.watchlists = [{ name: 'Watchlist', symbols: doc.watchlist }, ...existing];
        delete next.watchlist;
      }
      if (Array.isArray(doc.connections)) {
        next.connections = doc.connections.map((connection: unknown) => {
          if (!isObject(connection) || !('env' in connection)) return connection;
          const { env, ...rest } = connection;
          // A mode already present wins: it can only have been written by a newer build.
          return { mode: env, ...rest };
        });
      }
      return next;
    },
  },
  {
    from: 2,
    to: 3,
    describe: 'chart → charts[]; alertRules added; connections[].enabled made explicit',
    up(doc) {
      const next: JsonObject = { ...doc, schemaVersion: 3 };
      if (isObject(doc.chart)) {
        const existing = Array.isArray(doc.charts) ? doc.charts : [];
        next.charts = [doc.chart, ...existing];
      }
      delete next.chart;
      if (!Array.isArray(doc.alertRules)) next.alertRules = [];
      if (Array.isArray(doc.connections)) {
        next.connections = doc.connections.map((connection: unknown) =>
          isObject(connection) && typeof connection.enabled !== 'boolean'
            ? { ...connection, enabled: true }
            : connection,
        );
      }
      return next;
    },
  },
  {
    from: 3,
    to: 4,
    describe: 'alerts: { rules, limits, sound } added (the default rules, no risk limits)',
    up(doc) {
      const next: JsonObject = { ...doc, schemaVersion: 4 };
      if (!isObject(doc.alerts)) next.alerts = { ...defaultAlertsConfig() };
      return next;
    },
  },
];

export type MigrationOutcome =
  | { ok: true; doc: JsonObject; from: number; applied: Migration[] }
  | { ok: false; reason: 'not-an-object' | 'bad-version' | 'newer-version'; version?: unknown };

/** The document's version; files written before versioning count as v1. */
export function versionOf(doc: JsonObject): unknown {
  return doc.schemaVersion ?? 1;
}

export function migrateSettings(raw: unknown): MigrationOutcome {
  if (!isObject(raw)) return { ok: false, reason: 'not-an-object' };
  const from = versionOf(raw);
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return { ok: false, reason: 'bad-version', version: from };
  }
  if (from > SETTINGS_VERSION) return { ok: false, reason: 'newer-version', version: from };
  let doc: JsonObject = { ...raw, schemaVersion: from };
  const applied: Migration[] = [];
  for (const step of migrations) {
    if (doc.schemaVersion !== step.from) continue;
    doc = step.up(doc);
    applied.push(step);
  }
  if (from === SETTINGS_VERSION) doc = raw;
  return { ok: true, doc, from, applied };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
