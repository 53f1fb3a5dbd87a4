/**
 * The trader's consent, asked by the main process, before a connection's credentials go to an
 * origin they have not gone to before (testing or saving a new connection, or an edit that adds
 * an address). The renderer can ask for a test or a save; it cannot answer this question.
 *
 * Hosts implement the port: the Electron host with a native dialog; the web host, which has no
 * window of its own, with an allow list fixed by whoever started it (see `allowListConfirmation`).
 */
import { fail, ok, type Result } from '../../../shared/contract';
import { isLoopbackUrl, kindSpec } from '../brokers/registry';
import { originsOutside, type CredentialVault } from '../credentials';
import type { Logger } from '../log';

export interface NewOriginRequest {
  connectionId: string;
  label: string;
  kind: string;
  /** The origins not confirmed before, e.g. `wss://gw.example.net`. */
  origins: readonly string[];
  purpose: 'test' | 'save';
}

/** Resolves true when the trader allows it; false (or a rejection) refuses. */
export type ConfirmNewOrigin = (request: NewOriginRequest) => Promise<boolean>;

/** Variable listing origins the web host may send credentials to without asking (comma-separated). */
export const ALLOWED_ORIGINS_VARIABLE = 'PEREGRINE_ALLOWED_ORIGINS';

/**
 * A confirmation for hosts without a native dialog: loopback origins are allowed (they never
 * leave this machine), and so is every origin in `allowed`; anything else is refused with
 * `onRefused` saying how to allow it. The list comes from the process environment — set by the
 * person starting the host, out of the page's reach.
 */
export function allowListConfirmation(
  allowed: readonly string[],
  onRefused: (request: NewOriginRequest, refused: readonly string[]) => void = () => undefined,
): ConfirmNewOrigin {
  const ok = new Set(allowed.map((o) => o.trim().toLowerCase()).filter((o) => o !== ''));
  return async (request) => {
    const refused = request.origins.filter((o) => !ok.has(o.toLowerCase()) && !isLoopbackUrl(o));
    if (refused.length > 0) onRefused(request, refused);
    return refused.length === 0;
  };
}

export function allowedOriginsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env[ALLOWED_ORIGINS_VARIABLE] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
}

/** What the form says when a confirmation was refused. */
export function notConfirmedMessage(request: NewOriginRequest): string {
  return `Sending the credentials of "${request.label}" to ${request.origins.join(', ')} was not confirmed.`;
}

/** The refusal text for `allowListConfirmation`: how the person starting the host allows it. */
export function allowListRefusal(request: NewOriginRequest): string {
  return `${notConfirmedMessage(request)} This host sends credentials only to this machine and to origins listed in ${ALLOWED_ORIGINS_VARIABLE} when it starts (e.g. ${ALLOWED_ORIGINS_VARIABLE}=${request.origins[0] ?? 'wss://host'}).`;
}

/**
 * Which origins a connection's credentials have already gone to, and the question for the
 * others. Known: the origins its stored secrets are bound to in the vault, and those the trader
 * confirmed this session (a test, then its save). The settings file does not count — an address
 * edited into it by hand is still new.
 */
export class OriginConsent {
  private readonly confirmed = new Map<string, Set<string>>();

  constructor(
    private readonly vault: CredentialVault,
    private readonly ask: ConfirmNewOrigin,
    private readonly refusal: (request: NewOriginRequest) => string,
    private readonly log: Pick<Logger, 'info'>,
  ) {}

  /** Ok when every origin is known or the trader allows the new ones now. */
  async require(
    what: Omit<NewOriginRequest, 'origins'>,
    origins: readonly string[],
    stored: { id: string; kind: string } | undefined,
  ): Promise<Result<Record<string, never>>> {
    const known = new Set(this.confirmed.get(what.connectionId) ?? []);
    if (stored !== undefined)
      for (const field of kindSpec(stored.kind)?.secrets ?? [])
        for (const o of (await this.vault.origins(stored.id, field.name).catch(() => null)) ?? [])
          known.add(o);
    const fresh = originsOutside(origins, [...known]);
    if (fresh.length === 0) return ok({});
    const request: NewOriginRequest = { ...what, origins: fresh };
    const allowed = await this.ask(request).catch(() => false);
    this.log.info(
      { connectionId: what.connectionId, origins: fresh, purpose: what.purpose, allowed },
      'new origin confirmation',
    );
    if (!allowed) return fail('not_confirmed', this.refusal(request));
    const set = this.confirmed.get(what.connectionId) ?? new Set<string>();
    for (const o of fresh) set.add(o);
    this.confirmed.set(what.connectionId, set);
    return ok({});
  }
}
