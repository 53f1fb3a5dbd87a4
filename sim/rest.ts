/**
 * REST for simulators: routes by method and path, a JSON body parser, async handlers that return
 * a reply (so a request fault can execute a handler and still withhold or replace its answer).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the request had none. */
  body: unknown;
  /** The `Authorization: Bearer <token>` token, if any. */
  bearer: string | null;
}

export interface RestReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RestHandler = (req: RestRequest) => RestReply | Promise<RestReply>;

export interface RestRoute {
  method: string;
  /** Exact path, or a prefix ending in `*`. */
  path: string;
  handler: RestHandler;
  /** Operation name request faults match on (default: `METHOD path`). */
  op: string;
}

/** Bodies larger than this are refused with 413 (no venue accepts megabyte orders). */
export const MAX_BODY_BYTES = 1024 * 1024;

export function matchPath(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

export type BodyResult = { ok: true; body: unknown } | { ok: false; status: number; error: string };

/** Read and parse a JSON body; an empty body is `undefined`. */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return { ok: false, status: 413, error: 'body too large' };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, error: 'body must be JSON' };
  }
}

export function toRestRequest(req: IncomingMessage, body: unknown): RestRequest {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const auth = req.headers.authorization ?? '';
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
    bearer: auth.startsWith('Bearer ') ? auth.slice(7) : null,
  };
}

export function writeReply(res: ServerResponse, reply: RestReply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
}
