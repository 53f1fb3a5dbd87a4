/**
 * When an edited connection may keep its stored secrets. The main process enforces the rule
 * (the vault hands a secret out only for the origins it was saved for, and connections.save /
 * connections.test answer `secret_required`); the form mirrors it so the trader is asked for the
 * secret before pressing Save, not after. Every named endpoint counts, not only `url`.
 */
import type { ConfigField } from '../../shared/contract';

/** `scheme://host:port`, or null for an empty or unparseable address. */
function originOf(url: string | undefined): string | null {
  if (url === undefined || url.trim() === '') return null;
  try {
    const u = new URL(url.trim());
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/**
 * True when the edited URL points somewhere else than the saved one (another scheme, host or
 * port): stored secrets would then go to a host they were not typed for, so they must be retyped.
 * An address still being typed (unparseable) counts as changed.
 */
export function urlOriginChanged(savedUrl: string | undefined, editedUrl: string | undefined): boolean {
  if ((savedUrl ?? '') === (editedUrl ?? '')) return false;
  const before = originOf(savedUrl);
  const after = originOf(editedUrl);
  return before === null || after === null || before !== after;
}

/** The kind's endpoints: its `url` fields (the primary `url` and the named ones). */
export function endpointNames(fields: readonly ConfigField[]): string[] {
  return fields.filter((f) => f.type === 'url').map((f) => f.name);
}

/** True when any endpoint of the edited form points somewhere else than the saved one. */
export function endpointOriginChanged(
  endpoints: readonly string[],
  saved: Readonly<Record<string, string>>,
  edited: Readonly<Record<string, string>>,
): boolean {
  return endpoints.some((name) => urlOriginChanged(saved[name], edited[name]));
}

/** The note under a secret field whose stored value cannot follow the new URL. */
export function secretRequiredNote(fieldLabel: string): string {
  return `The URL changed: enter the ${fieldLabel.toLowerCase()} again so it is only sent to the new gateway.`;
}
