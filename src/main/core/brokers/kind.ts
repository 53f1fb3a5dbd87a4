/**
 * What a connection kind declares about itself — the one thing a new adapter folder exports:
 * its form (named endpoints, secrets, options), its environments with a default address per
 * environment, and how a checked entry plus its secrets becomes a `Connection`.
 *
 * Endpoints are named. `url` is the primary one (a config's top-level `url`); every other name
 * is a key of the config's `urls` (`{ "url": "wss://h/ws/orders", "urls": { "positions": …,
 * "rest": "https://h/api" } }`). Every endpoint gets the same checks (scheme, encryption off
 * loopback for demo and live) and its origin is one the connection's secrets are bound to.
 */
import { z } from 'zod';
import { describeIssues, sentence } from '../../../shared/issues';
import type { ConfigField, ConnectionKindInfo } from '../../../shared/contract';
import type { AccountMode } from '../../../shared/domain';
import type { Connection } from '../connection';
import type { ConnectionDeps } from './kit/connection';

/**
 * Clock, randomness, logger and link-age cap a connection is built with (tests pin the clock and
 * randomness): the kit's own definition, so a new dependency is added in one place.
 */
export type { ConnectionDeps } from './kit/connection';

export type EndpointScheme = 'ws:' | 'wss:' | 'http:' | 'https:';

export interface EndpointSpec {
  /** `url` for the primary endpoint; any other name is a key of `urls`. */
  name: string;
  label: string;
  required: boolean;
  /** Accepted schemes: `['ws:', 'wss:']` for a socket, `['http:', 'https:']` for a REST base. */
  schemes: readonly EndpointScheme[];
  /** The standard address per environment, used when a config gives none. */
  defaults?: Partial<Record<AccountMode, string>>;
  placeholder?: string;
  help?: string;
}

export interface SecretSpec {
  name: string;
  label: string;
  required: boolean;
  help?: string;
  /** Older names a profile may still use for this secret. */
  aliases?: readonly string[];
}

/** A non-secret, non-endpoint form input. */
export type OptionFieldSpec = Omit<ConfigField, 'type' | 'presets'> & { type: 'text' | 'select' | 'number' };

/** A saved or declared connection, minus its secrets: what a kind builds a Connection from. */
export interface ConnectionEntryConfig {
  id: string;
  label: string;
  mode: AccountMode;
  /** The primary endpoint. */
  url?: string;
  /** The other named endpoints. */
  urls: Record<string, string>;
  /** Kind-specific non-secret values (form options, adapter tuning). */
  options: Record<string, unknown>;
}

/** Resolved secrets of one connection, by declared name. */
export interface SecretLookup {
  get(name: string): string | undefined;
}

export interface ConnectionKindSpec {
  kind: string;
  title: string;
  /** False while the adapter does not exist: listed, never connectable. */
  available: boolean;
  unavailableReason?: string;
  /** Built in once (the paper broker): cannot be added, edited or removed. */
  builtIn: boolean;
  modes: readonly AccountMode[];
  /** The environment a connection has when its config names none. */
  defaultMode: AccountMode;
  endpoints: readonly EndpointSpec[];
  secrets: readonly SecretSpec[];
  options: readonly OptionFieldSpec[];
  /**
   * Parses the option form values (strings by name, blanks removed) into saved options. Absent:
   * the values are kept as given.
   */
  optionsSchema?: z.ZodType<Record<string, unknown>>;
  /**
   * Builds the adapter from an entry whose endpoints are already checked and defaulted; throws a
   * readable error (never quoting a secret) on a bad config.
   */
  build?(entry: ConnectionEntryConfig, secrets: SecretLookup, deps: ConnectionDeps): Connection;
}

/** What the contract shows of a kind: its generated form. */
export function kindInfo(spec: ConnectionKindSpec): ConnectionKindInfo {
  const primary = spec.endpoints.find((e) => e.name === 'url');
  return {
    kind: spec.kind,
    title: spec.title,
    available: spec.available,
    ...(spec.unavailableReason === undefined ? {} : { unavailableReason: spec.unavailableReason }),
    builtIn: spec.builtIn,
    modes: [...spec.modes],
    defaultMode: spec.defaultMode,
    ...(primary?.defaults === undefined ? {} : { urlPresets: { ...primary.defaults } }),
    fields: [
      ...spec.endpoints.map((e): ConfigField => ({
        name: e.name,
        label: e.label,
        type: 'url',
        required: e.required,
        ...(e.placeholder === undefined ? {} : { placeholder: e.placeholder }),
        ...(e.help === undefined ? {} : { help: e.help }),
        ...(e.defaults === undefined ? {} : { presets: { ...e.defaults } }),
      })),
      ...spec.secrets.map((s): ConfigField => ({
        name: s.name,
        label: s.label,
        type: 'secret',
        required: s.required,
        ...(s.help === undefined ? {} : { help: s.help }),
      })),
      ...spec.options.map((o): ConfigField => ({ ...o })),
    ],
  };
}

// ---- endpoints ---------------------------------------------------------------------------------

/** Hosts on this machine: a credential sent there in clear text never crosses a network. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * Why `url` must not carry a secret for a connection in `mode`, or null when it may. Live and
 * demo credentials are real accounts: they go only over wss:// or https://, unless the gateway
 * runs on this machine. Paper endpoints (simulators) may use ws:// or http:// anywhere.
 */
export function transportProblem(url: string | undefined, mode: AccountMode): string | null {
  if (url === undefined || mode === 'paper') return null;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return 'is not a valid address';
  }
  if (protocol === 'wss:' || protocol === 'https:' || isLoopbackUrl(url)) return null;
  const [secure, plain] = protocol === 'http:' ? ['https://', 'http://'] : ['wss://', 'ws://'];
  return `a ${mode} connection must use an encrypted ${secure} address (${plain} is only allowed for 127.0.0.1, ::1 or localhost), so its credentials are never sent in clear text`;
}

/** One endpoint's problem, named by its label: "Gateway URL: must be a ws:// or wss:// address". */
export interface EndpointProblem {
  name: string;
  message: string;
  /** The same, said beside the field in a form ("Not a valid address."); absent for no such field. */
  field?: string;
}

/**
 * The entry with every endpoint the config omits filled from the kind's default for its mode, and
 * what is wrong with its endpoints (required, scheme, encryption, unknown names).
 */
export function checkEndpoints(
  spec: ConnectionKindSpec,
  entry: ConnectionEntryConfig,
): { entry: ConnectionEntryConfig; problems: EndpointProblem[] } {
  const problems: EndpointProblem[] = [];
  const declared = new Set(spec.endpoints.map((e) => e.name));
  for (const name of Object.keys(entry.urls))
    if (name === 'url' || !declared.has(name))
      problems.push({ name, message: `${spec.title} has no endpoint "${name}"` });
  if (entry.url !== undefined && !declared.has('url'))
    problems.push({ name: 'url', message: `${spec.title} takes no url` });
  const urls: Record<string, string> = {};
  let url: string | undefined;
  for (const endpoint of spec.endpoints) {
    const given = endpoint.name === 'url' ? entry.url : entry.urls[endpoint.name];
    const value = given ?? endpoint.defaults?.[entry.mode];
    const label = endpoint.label;
    if (value === undefined) {
      if (endpoint.required)
        problems.push({ name: endpoint.name, message: `${label}: is required`, field: 'Required.' });
      continue;
    }
    let protocol: string;
    try {
      const parsed = new URL(value);
      protocol = parsed.protocol;
      if (parsed.host === '') throw new Error('no host');
    } catch {
      problems.push({
        name: endpoint.name,
        message: `${label}: is not a valid address`,
        field: `Not a valid address: expected something like ${endpoint.schemes[0] ?? 'wss:'}//host:port.`,
      });
      continue;
    }
    if (!(endpoint.schemes as readonly string[]).includes(protocol)) {
      const list = endpoint.schemes.map((s) => `${s}//`).join(' or ');
      problems.push({
        name: endpoint.name,
        message: `${label}: must be a ${list} address`,
        field: `Must be a ${list} address.`,
      });
      continue;
    }
    const transport = transportProblem(value, entry.mode);
    if (transport !== null)
      problems.push({ name: endpoint.name, message: `${label}: ${transport}`, field: sentence(transport) });
    if (endpoint.name === 'url') url = value;
    else urls[endpoint.name] = value;
  }
  const { url: _given, ...rest } = entry;
  return { entry: { ...rest, ...(url === undefined ? {} : { url }), urls }, problems };
}

/** Every address an entry connects to (after `checkEndpoints`). */
export function endpointUrls(entry: Pick<ConnectionEntryConfig, 'url' | 'urls'>): string[] {
  return [...(entry.url === undefined ? [] : [entry.url]), ...Object.values(entry.urls)];
}

/** "url: must be a ws:// address" — paths and zod messages only, never an input value. */
export function configProblem(error: z.ZodError): string {
  return describeIssues(error);
}

/**
 * A kind's optional text option as a form sends it: blank (or absent) is "not given", anything
 * else is trimmed. One definition for every kind's `optionsSchema`.
 */
export const optionalFormText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
