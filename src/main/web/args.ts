/** Command-line options of the web host, parsed strictly (an unknown flag is an error). */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const URL_LINE_PREFIX = 'Peregrine web UI: ';

export interface CliOptions {
  port: number;
  /** `--token T`: kept for tests and scripts; visible in `ps`, so the host warns. */
  token?: string;
  /** `--token-file FILE`: the token from a file only its owner can read (see token.ts). */
  tokenFile?: string;
  seed?: number;
  dataDir: string;
  /** `--profile FILE`: connections to bring up for this session without a click. */
  profileFile?: string;
}

/** Per-user data directory, the same places Electron's `userData` uses (one folder per instance name). */
export function defaultDataDir(name: string, env = process.env, platform = process.platform): string {
  const base =
    platform === 'win32'
      ? (env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'));
  return join(base, 'Peregrine', 'web', name);
}

export function parseCli(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      seed: { type: 'string' },
      'data-dir': { type: 'string' },
      profile: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0–65535, got ${values.port}`);
  if (values.token !== undefined && !/^[\x21-\x7e]{16,}$/.test(values.token)) {
    throw new Error('--token must be at least 16 printable characters without spaces');
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed must be an integer, got ${values.seed}`);
  if (values['token-file'] !== undefined && values['token-file'].trim() === '')
    throw new Error('--token-file needs a file path');
  if (values.profile !== undefined && values.profile.trim() === '')
    throw new Error('--profile needs a file path');
  return {
    port,
    token: values.token,
    seed,
    dataDir: values['data-dir'] ?? defaultDataDir('default'),
    ...(values['token-file'] === undefined ? {} : { tokenFile: values['token-file'] }),
    ...(values.profile === undefined ? {} : { profileFile: values.profile }),
  };
}
