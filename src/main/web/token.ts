/**
 * Where the web host's token comes from when the caller chooses it. A command-line argument is
 * readable by every local user (`ps`, /proc/<pid>/cmdline), so the quiet ways are an environment
 * variable or a file only its owner can read; `--token` still works (tests, scripts) but warns.
 * With none of them the host makes a random token per launch.
 */
import { readFileSync, statSync } from 'node:fs';

export const TOKEN_ENV = 'PEREGRINE_WEB_TOKEN';

/** The same rule as `--token`: long enough to guess, safe in a URL query without escaping. */
const TOKEN_SHAPE = /^[\x21-\x7e]{16,}$/;
const SHAPE_RULE = 'at least 16 printable characters without spaces';

export interface TokenChoice {
  token?: string;
  source: 'argument' | 'file' | 'environment' | 'random';
  /** Printed to stderr and logged: the token may be visible to other local users. */
  warning?: string;
}

export interface TokenInputs {
  /** `--token T` */
  argument?: string;
  /** `--token-file FILE` */
  file?: string;
  env?: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
}

export function chooseToken(inputs: TokenInputs): TokenChoice {
  const env = inputs.env ?? process.env;
  const fromEnv = env[TOKEN_ENV];
  if (inputs.argument !== undefined && inputs.file !== undefined)
    throw new Error('Give --token or --token-file, not both.');
  if (inputs.argument !== undefined) {
    return {
      token: checked(inputs.argument, '--token'),
      source: 'argument',
      warning: `--token is visible to every local user in the process list; prefer ${TOKEN_ENV} or --token-file.`,
    };
  }
  if (inputs.file !== undefined)
    return { token: readTokenFile(inputs.file, inputs.platform), source: 'file' };
  if (fromEnv !== undefined && fromEnv !== '')
    return { token: checked(fromEnv, TOKEN_ENV), source: 'environment' };
  return { source: 'random' };
}

/** The first line of a file that no one but its owner can read or write. */
export function readTokenFile(path: string, platform: NodeJS.Platform = process.platform): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    throw new Error(
      `--token-file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
      { cause: err },
    );
  }
  // Windows has no POSIX modes to check; the file's ACL is the user profile's.
  if (platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `--token-file ${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it.`,
    );
  }
  const token = readFileSync(path, 'utf8').split(/\r?\n/, 1)[0]?.trim() ?? '';
  return checked(token, `--token-file ${path}`);
}

function checked(token: string, where: string): string {
  // Never quote the value: it is a credential, right or wrong.
  if (!TOKEN_SHAPE.test(token)) throw new Error(`The token from ${where} must be ${SHAPE_RULE}.`);
  return token;
}
