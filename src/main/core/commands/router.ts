/**
 * One command router for the whole contract: each part of the engine registers the handlers of
 * its channels, and every request is parsed once, here, against the channel's schema before a
 * handler sees it. Both hosts hand every command to `dispatch`; a channel nobody registered
 * answers "not available" in words, an unknown channel name is refused without echoing it.
 */
import { type Channel, isChannel } from '../../../shared/channels';
import { contract, fail, type ParsedRequestOf, type ResponseOf } from '../../../shared/contract';
import { describeIssues, fieldIssues } from '../../../shared/issues';

export type Handler<C extends Channel> = (req: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;

/** Channels whose response is not a `Result`: a bad request throws instead of failing. */
const RAW_RESPONSE: ReadonlySet<Channel> = new Set(['term:stream.snapshot', 'term:settings.problems']);

/** What a channel nobody serves in this session answers. */
const UNAVAILABLE: Partial<Record<Channel, string>> = {
  'term:connections.list': 'Connection settings are not available in this session.',
  'term:workspace.get': 'Saved workspaces are not available in this session.',
  'term:workspace.update': 'Saved workspaces are not available in this session.',
};

export class CommandRouter {
  private readonly handlers = new Map<Channel, (req: unknown) => unknown>();

  register<C extends Channel>(channel: C, handler: Handler<C>): this {
    if (this.handlers.has(channel)) throw new Error(`${channel} already has a handler`);
    this.handlers.set(channel, handler as (req: unknown) => unknown);
    return this;
  }

  handles(channel: string): boolean {
    return isChannel(channel) && this.handlers.has(channel);
  }

  async dispatch(channel: string, payload: unknown): Promise<unknown> {
    if (!isChannel(channel)) throw new Error('Unknown channel');
    const parsed = contract[channel].request.safeParse(payload ?? {});
    if (!parsed.success) {
      const message = `Invalid request for ${channel}: ${describeIssues(parsed.error)}`;
      if (RAW_RESPONSE.has(channel)) throw new Error(message);
      return fail('invalid_request', message, fieldIssues(parsed.error));
    }
    const handler = this.handlers.get(channel);
    if (handler === undefined) {
      if (channel === 'term:settings.problems') return [];
      return fail('not_available', UNAVAILABLE[channel] ?? `${channel} is not available in this session.`);
    }
    return handler(parsed.data);
  }
}
