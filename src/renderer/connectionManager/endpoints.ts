/**
 * A kind's endpoint fields in the form: their standard address per environment, the values a new
 * form starts with, and how they follow a change of environment. Pure, so it is tested without a
 * browser.
 */
import type { ConnectionKindInfo } from '../../shared/contract';
import type { AccountMode } from '../../shared/domain';
import { endpointNames } from './secretReuse';

/** The standard address of an endpoint field for `mode`, if the kind declares one. */
export function presetOf(
  kind: ConnectionKindInfo | undefined,
  name: string,
  mode: AccountMode,
): string | undefined {
  const field = kind?.fields.find((f) => f.name === name);
  return field?.presets?.[mode] ?? (name === 'url' ? kind?.urlPresets?.[mode] : undefined);
}

/** A new form's non-secret values: endpoint presets for `mode`, declared defaults otherwise. */
export function defaultsFor(kind: ConnectionKindInfo | undefined, mode: AccountMode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of kind?.fields ?? []) {
    if (f.type === 'secret') continue;
    const preset = f.type === 'url' ? presetOf(kind, f.name, mode) : undefined;
    if (preset !== undefined) out[f.name] = preset;
    else if (f.default !== undefined) out[f.name] = f.default;
  }
  return out;
}

/** The values after switching environment: each preset endpoint follows unless it was customized. */
export function withModePresets(
  kind: ConnectionKindInfo | undefined,
  fields: Readonly<Record<string, string>>,
  from: AccountMode,
  to: AccountMode,
): Record<string, string> {
  const updated = { ...fields };
  for (const name of endpointNames(kind?.fields ?? [])) {
    const before = presetOf(kind, name, from);
    const after = presetOf(kind, name, to);
    if ((before !== undefined || after !== undefined) && (updated[name] ?? '') === (before ?? ''))
      updated[name] = after ?? '';
  }
  return updated;
}
