/**
 * The connection form, checked against its kind's spec: declared fields only, named endpoints
 * into `url` / `urls` (each one checked and defaulted by the kind), option values through the
 * kind's schema, new secrets by declared name. Pure: the vault and the engine come after.
 */
import type { z } from 'zod';
import { fail, ok, type ParsedRequestOf, type Result } from '../../../shared/contract';
import {
  checkEndpoints,
  kindSpec,
  type ConnectionEntryConfig,
  type ConnectionKindSpec,
} from '../brokers/registry';
import { registerSecret } from '../credentials';
import { fieldIssues } from '../../../shared/issues';
import { entryOrigins, type BuildableKind } from './build';

export type Form = ParsedRequestOf<'term:connections.save'>;

/** A validated form: what a save or a trial works from. */
export interface CheckedForm {
  spec: BuildableKind;
  /** Endpoints checked, defaults for the mode filled in. */
  entry: ConnectionEntryConfig;
  /** The origins of every endpoint: where this connection's secrets would go. */
  origins: string[];
  /** Secret values typed into the form, by declared name. */
  given: Map<string, string>;
}

export function checkForm(form: Form): Result<CheckedForm> {
  const spec = kindSpec(form.kind);
  if (spec === undefined) return fail('unknown_kind', `Unknown connection kind "${form.kind}".`);
  if (spec.builtIn) return fail('built_in', `${spec.title} is built in; it cannot be added or changed.`);
  const build = spec.build;
  if (!spec.available || build === undefined)
    return fail('kind_unavailable', spec.unavailableReason ?? `${spec.title} is not available.`);
  if (!spec.modes.includes(form.mode))
    return fail('invalid_config', `${spec.title} has no ${form.mode} environment.`, {
      mode: `${spec.title} has no ${form.mode} environment.`,
    });
  const endpoints = new Set(spec.endpoints.map((e) => e.name));
  const options = new Set(spec.options.map((o) => o.name));
  const secretNames = new Set(spec.secrets.map((s) => s.name));
  for (const name of Object.keys(form.fields)) {
    if (!endpoints.has(name) && !options.has(name))
      return fail('invalid_config', `${spec.title} has no setting "${name}".`);
  }
  for (const name of Object.keys(form.secrets)) {
    if (!secretNames.has(name)) return fail('invalid_config', `${spec.title} has no secret "${name}".`);
  }
  const filled = Object.entries(form.fields)
    .map(([name, value]) => [name, value.trim()] as const)
    .filter(([, value]) => value !== '');
  const optionValues = Object.fromEntries(filled.filter(([name]) => options.has(name)));
  const parsedOptions = spec.optionsSchema?.safeParse(optionValues) ?? {
    success: true as const,
    data: optionValues,
  };
  if (!parsedOptions.success)
    return fail('invalid_config', labelled(spec, parsedOptions.error), formFieldIssues(parsedOptions.error));
  const url = filled.find(([name]) => name === 'url')?.[1];
  const checked = checkEndpoints(spec, {
    id: form.id,
    label: form.label,
    mode: form.mode,
    ...(url === undefined ? {} : { url }),
    urls: Object.fromEntries(filled.filter(([name]) => name !== 'url' && endpoints.has(name))),
    options: Object.fromEntries(Object.entries(parsedOptions.data).filter(([, v]) => v !== undefined)),
  });
  if (checked.problems.length > 0)
    return fail(
      'invalid_config',
      checked.problems.map((p) => p.message).join('; '),
      Object.fromEntries(
        checked.problems.flatMap((p) => (p.field === undefined ? [] : [[`fields.${p.name}`, p.field]])),
      ),
    );
  const given = new Map(Object.entries(form.secrets).filter(([, v]) => v !== ''));
  // Typed secrets are scrubbed from every log line and broker string from here on.
  for (const value of given.values()) registerSecret(value);
  return ok({ spec: { ...spec, build }, entry: checked.entry, origins: entryOrigins(checked.entry), given });
}

/** The non-secret form values of a saved or session connection, as strings (endpoints included). */
export function formFields(
  spec: ConnectionKindSpec | undefined,
  s: { url?: string; urls: Record<string, string>; options: Record<string, unknown> },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const endpoint of spec?.endpoints ?? []) {
    const value = endpoint.name === 'url' ? s.url : s.urls[endpoint.name];
    if (value !== undefined) out[endpoint.name] = value;
  }
  for (const option of spec?.options ?? []) {
    const value = s.options[option.name];
    if (typeof value === 'string' || typeof value === 'number') out[option.name] = String(value);
  }
  return out;
}

/** zod issues by field label: "Expected user id: too long". */
export function labelled(spec: ConnectionKindSpec, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const name = String(i.path[0] ?? '');
      const label = spec.options.find((f) => f.name === name)?.label ?? name;
      return label === '' ? i.message : `${label}: ${i.message}`;
    })
    .join('; ');
}

/** An option's issues keyed as the form sends the option (`fields.<name>`). */
function formFieldIssues(error: z.ZodError): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fieldIssues(error)).map(([path, text]) => [`fields.${path}`, text]),
  );
}

/** zod issues with their paths: "id: use 1–64 letters…". */
export { describeIssues as describe } from '../../../shared/issues';
