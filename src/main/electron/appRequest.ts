/**
 * The answer to one `app://peregrine/…` request, free of Electron at run time so it is tested
 * with real `Request` objects: only our host, only GET, only files the shared resolver confines
 * to the renderer folder (symlinks included), each with the strict CSP headers.
 */
import { readFile } from 'node:fs/promises';
import { resolveStaticPath, contentTypeOf } from '../host/staticFiles';
import { APP_HOST } from './appOrigin';

export async function appResponse(
  rendererDir: string,
  headers: Record<string, string>,
  request: Pick<Request, 'url' | 'method'>,
): Promise<Response> {
  const url = new URL(request.url);
  const file = url.host === APP_HOST ? resolveStaticPath(rendererDir, url.pathname) : null;
  if (file === null || request.method !== 'GET') return new Response(null, { status: 404, headers });
  const body = await readFile(file);
  return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': contentTypeOf(file) } });
}
