/**
 * Per-connection repair of a settings document after migration, so one odd connection never
 * costs the trader every other setting:
 *
 * - a key the schema does not know goes under `options` (it was the adapter's tuning in older
 *   builds), unless its name means "secret";
 * - a secret written in the file (a secret-like key or option, or a `secrets` entry that is more
 *   than `{ stored: true }`) is dropped and reported by connection and name, so the trader enters
 *   it again through the form and it lands in the credential vault. It is not moved to the vault
 *   here: opening settings is synchronous and runs before the vault opens, and a memory-only vault
 *   would lose it at the end of the session while the file no longer has it — re-entering is the
 *   only path that tells the trader where the secret now lives;
 * - only a connection that still breaks the schema (no usable id, an unknown mode, a bad URL, a
 *   duplicate id) is set aside, without its secrets, to be written next to the settings file.
 *
 * Pure: no files, no logging. Problems name connections, keys and schema paths — never values.
 */
import { describeIssues } from './json-file';
import { ConnectionSettings, SecretName, SecretPresence, isSecretLikeName } from './schema';

type JsonObject = Record<string, unknown>;

const KNOWN_KEYS = new Set(['id', 'kind', 'label', 'mode', 'enabled', 'url', 'urls', 'options', 'secrets']);

export interface DroppedSecrets {
  connectionId: string;
  label: string;
  /** Key, option or secret names whose values were removed. */
  names: string[];
}

export interface SetAsideConnection {
  /** Position in the file's `connections` array. */
  index: number;
  connectionId: string | null;
  /** The entry as found, minus anything secret. */
  entry: unknown;
  /** Schema paths and messages: why it cannot be used. */
  issues: string[];
}

export interface ConnectionRepair {
  /** The document with usable connections only (unchanged when `changed` is false). */
  doc: JsonObject;
  changed: boolean;
  droppedSecrets: DroppedSecrets[];
  /** Per connection id, the unknown keys that were moved under `options`. */
  movedToOptions: { connectionId: string; names: string[] }[];
  setAside: SetAsideConnection[];
}

/** A connection entry without any secret value, and the names of what was removed. */
export function stripSecrets(entry: JsonObject): { entry: JsonObject; dropped: string[] } {
  const out: JsonObject = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (isSecretLikeName(key)) {
      dropped.push(key);
    } else if (key === 'options' && isObject(value)) {
      const options: JsonObject = {};
      for (const [name, option] of Object.entries(value)) {
        if (isSecretLikeName(name)) dropped.push(name);
        else options[name] = option;
      }
      out.options = options;
    } else if (key === 'secrets') {
      if (!isObject(value)) {
        dropped.push('secrets');
        continue;
      }
      const secrets: JsonObject = {};
      for (const [name, presence] of Object.entries(value)) {
        // Anything but `{ stored: true }` may carry the secret itself.
        if (SecretName.safeParse(name).success && SecretPresence.safeParse(presence).success)
          secrets[name] = presence;
        else dropped.push(name);
      }
      out.secrets = secrets;
    } else {
      out[key] = value;
    }
  }
  return { entry: out, dropped };
}

export function repairConnections(doc: JsonObject): ConnectionRepair {
  const result: ConnectionRepair = {
    doc,
    changed: false,
    droppedSecrets: [],
    movedToOptions: [],
    setAside: [],
  };
  // A missing list defaults to []; a list that is not an array is a whole-document problem.
  if (!Array.isArray(doc.connections)) return result;

  const kept: unknown[] = [];
  const seen = new Set<string>();
  doc.connections.forEach((raw: unknown, index) => {
    if (!isObject(raw)) {
      result.setAside.push({
        index,
        connectionId: null,
        // Its value is not kept: a bare string here could be anything, a secret included.
        entry: { type: Array.isArray(raw) ? 'array' : raw === null ? 'null' : typeof raw },
        issues: [`connections[${index}]: not a connection object`],
      });
      return;
    }
    const { entry: clean, dropped } = stripSecrets(raw);
    const id = typeof clean.id === 'string' ? clean.id : null;
    const candidate: JsonObject = {};
    const unknown: JsonObject = {};
    for (const [key, value] of Object.entries(clean)) {
      if (KNOWN_KEYS.has(key)) candidate[key] = value;
      else unknown[key] = value;
    }
    const moved = Object.keys(unknown);
    if (moved.length > 0 && (candidate.options === undefined || isObject(candidate.options))) {
      // An option already under `options` wins: it is the newer, explicit spelling.
      candidate.options = { ...unknown, ...(candidate.options ?? {}) };
    }
    // A label is cosmetic: the id stands in for a missing one rather than losing the connection.
    if (candidate.label === undefined && id !== null) candidate.label = id;

    const parsed = ConnectionSettings.safeParse(candidate);
    const issues = parsed.success
      ? seen.has(parsed.data.id)
        ? [`connections[${index}].id: duplicate connection id "${parsed.data.id}"`]
        : []
      : describeIssues(parsed.error).map((line) => `connections[${index}].${line}`);
    if (dropped.length > 0)
      result.droppedSecrets.push({
        connectionId: id ?? `#${index + 1}`,
        label: typeof clean.label === 'string' ? clean.label : (id ?? `#${index + 1}`),
        names: dropped,
      });
    if (!parsed.success || issues.length > 0) {
      result.setAside.push({ index, connectionId: id, entry: clean, issues });
      return;
    }
    seen.add(parsed.data.id);
    if (moved.length > 0) result.movedToOptions.push({ connectionId: parsed.data.id, names: moved });
    kept.push(candidate);
  });

  result.changed =
    result.droppedSecrets.length > 0 ||
    result.movedToOptions.length > 0 ||
    result.setAside.length > 0 ||
    // Labels filled in from ids: the file is rewritten with them.
    JSON.stringify(kept) !== JSON.stringify(doc.connections);
  if (result.changed) result.doc = { ...doc, connections: kept };
  return result;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
