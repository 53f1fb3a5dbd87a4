/**
 * `PEREGRINE_CONNECTIONS`: a JSON array of profile connection entries in an environment variable,
 * for scripts. Each entry is read exactly like a profile's (`secrets: { name: { env: "VAR" } }`
 * or `{ keychain: true }`), with two allowances kept from the variable's first form:
 * `sessionCookieEnv: "VAR"` means `secrets: { sessionCookie: { env: "VAR" } }`, and any other
 * top-level key (`backoff`, `heartbeatMs`, …) is an adapter option.
 *
 * Problems stop start-up with a message naming the entry: a misconfigured connection should not
 * vanish silently.
 */
import { z } from 'zod';
import { checkEndpoints, kindSpec } from '../brokers/registry';
import { describeIssues, parseJsonText } from '../settings/json-file';
import { ProfileSchema, type Profile } from './profile';

export const ENV_VARIABLE = 'PEREGRINE_CONNECTIONS';

const PROFILE_KEYS = new Set(['kind', 'id', 'label', 'mode', 'enabled', 'url', 'urls', 'options', 'secrets']);

/** The variable as a profile (file name `PEREGRINE_CONNECTIONS`); null when unset or blank. */
export function profileFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Profile | null {
  const raw = env[ENV_VARIABLE];
  if (raw === undefined || raw.trim() === '') return null;
  const json = parseJsonText(raw);
  if (!json.ok)
    throw new Error(`${ENV_VARIABLE} is ${json.message} (expected an array of connection entries)`);
  const list = z.array(z.record(z.string(), z.unknown())).safeParse(json.value);
  if (!list.success) throw new Error(`${ENV_VARIABLE} must be a JSON array of objects with a "kind"`);
  const connections = list.data.map(asProfileEntry);
  const parsed = ProfileSchema.safeParse({ connections });
  if (!parsed.success) {
    const problems = describeIssues(parsed.error).map((p) =>
      p.replace(/^connections\[(\d+)\](?:\.([^:]*))?: /, (_m, i: string, path: string | undefined) =>
        path === undefined ? `${ENV_VARIABLE}[${i}]: ` : `${ENV_VARIABLE}[${i}]: ${path}: `,
      ),
    );
    throw new Error(problems.join('; '));
  }
  parsed.data.connections.forEach((c, i) => {
    const spec = kindSpec(c.kind);
    if (spec === undefined) throw new Error(`${ENV_VARIABLE}[${i}]: unknown connection kind "${c.kind}"`);
    const entry = {
      id: c.id,
      label: c.label ?? c.id,
      mode: c.mode ?? spec.defaultMode,
      ...(c.url === undefined ? {} : { url: c.url }),
      urls: c.urls ?? {},
      options: c.options ?? {},
    };
    const problem = checkEndpoints(spec, entry).problems[0];
    if (problem !== undefined)
      throw new Error(`${ENV_VARIABLE}[${i}]: ${problem.name}: ${problem.message.replace(/^[^:]*: /, '')}`);
  });
  return { ...parsed.data, file: ENV_VARIABLE };
}

/** One entry in the variable's legacy or profile form, as a profile entry. */
function asProfileEntry(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const options: Record<string, unknown> =
    typeof raw.options === 'object' && raw.options !== null ? { ...(raw.options as object) } : {};
  const secrets: Record<string, unknown> =
    typeof raw.secrets === 'object' && raw.secrets !== null ? { ...(raw.secrets as object) } : {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'sessionCookieEnv') secrets.sessionCookie = { env: value };
    else if (key === 'options' || key === 'secrets') continue;
    else if (PROFILE_KEYS.has(key)) out[key] = value;
    else options[key] = value;
  }
  if (Object.keys(options).length > 0) out.options = options;
  if (Object.keys(secrets).length > 0) out.secrets = secrets;
  return out;
}
