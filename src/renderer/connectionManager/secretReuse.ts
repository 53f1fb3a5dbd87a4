/**
 * When an edited connection may keep its stored secrets. The main process enforces the rule
 * (connections.save / connections.test answer `secret_required`); the form mirrors it so the
 * trader is asked for the secret before pressing Save, not after.
 */

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

/** The note under a secret field whose stored value cannot follow the new URL. */
export function secretRequiredNote(fieldLabel: string): string {
  return `The URL changed: enter the ${fieldLabel.toLowerCase()} again so it is only sent to the new gateway.`;
}
