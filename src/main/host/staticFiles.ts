/**
 * Serving the built renderer safely, shared by both hosts (the web host over HTTP, the Electron
 * host over the `app://` scheme): path resolution that cannot leave the root, even through a
 * symlink, and content types.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL pathname onto a file under `root`, or null when it is malformed, escapes the root
 * (`..`, encoded separators, NUL, or a symlink pointing outside), names a dotfile, or is not a
 * regular file. `/` is index.html. The path returned is the real one, the file that gets read.
 */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null;
  const rootAbs = resolve(root);
  const file = segments.length === 0 ? join(rootAbs, 'index.html') : resolve(rootAbs, ...segments);
  if (!file.startsWith(rootAbs + sep)) return null;
  try {
    // The lexical check above cannot see links: a symlink in the build folder (or one planted
    // there) must not serve ~/.ssh. Compare real paths; the root itself may be a link.
    const real = realpathSync(file);
    if (!real.startsWith(realpathSync(rootAbs) + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * Where the built renderer lives: next to the built host (`out/main/*.js` → `out/renderer`), or,
 * when the host runs from source (tests, tsx), the repository's `out/renderer`.
 */
export function defaultRendererDir(moduleUrl: string): string {
  const here = fileURLToPath(new URL('.', moduleUrl));
  const besideBuild = resolve(here, '../renderer');
  const fromSource = resolve(here, '../../../out/renderer');
  return existsSync(join(besideBuild, 'index.html')) || !existsSync(join(fromSource, 'index.html'))
    ? besideBuild
    : fromSource;
}
