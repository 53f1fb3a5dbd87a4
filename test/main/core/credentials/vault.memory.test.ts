import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_SECRET_SERVICE_REASON } from '../../../../src/main/core/credentials';

const run = promisify(execFile);
const fixture = join(import.meta.dirname, 'fixtures', 'open-vault.ts');
const haveKeyringTools =
  existsSync('/usr/bin/dbus-run-session') && existsSync('/usr/bin/gnome-keyring-daemon');

interface ChildResult {
  backend: string;
  reason: string | null;
  has: boolean;
  roundTrip: boolean;
  deleted: boolean;
  hasAfterDelete: boolean;
  log: string;
}

const secret = 'nobus-Secret-7f3a9c';

/** Opens the vault in a fresh process (the keyring library keeps one D-Bus connection per process). */
async function openVaultIn(env: NodeJS.ProcessEnv, wrap: string[] = []): Promise<ChildResult> {
  const [command = process.execPath, ...prefix] = [...wrap, process.execPath];
  const { stdout } = await run(command, [...prefix, '--import', 'tsx', fixture, secret], {
    env,
    timeout: 15_000,
  });
  return JSON.parse(stdout) as ChildResult;
}

function expectMemoryVaultWorks(result: ChildResult): void {
  expect(result.backend).toBe('memory');
  expect(result).toMatchObject({ has: true, roundTrip: true, deleted: true, hasAfterDelete: false });
  expect(result.log).toContain('conn-a');
  expect(result.log).toContain('apiKey');
  expect(result.log).not.toContain(secret);
}

// Real conditions, not mocks: each case starts a process in an environment where no usable
// Secret Service exists.
describe.runIf(process.platform === 'linux')('credential vault without a usable Secret Service', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'peregrine-nobus-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('session bus address points at nothing: memory only, and says why', async () => {
    const result = await openVaultIn({
      ...process.env,
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}`,
    });
    expectMemoryVaultWorks(result);
    expect(result.reason).toBe(NO_SECRET_SERVICE_REASON);
  });

  it('no session bus at all (a headless box): memory only, and says why', async () => {
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const result = await openVaultIn(env);
    expectMemoryVaultWorks(result);
    expect(result.reason).toBe(NO_SECRET_SERVICE_REASON);
  });

  // D-Bus activates a gnome-keyring that has no login keyring and no display to ask for one.
  it.runIf(haveKeyringTools)(
    'a bus whose Secret Service has no usable keyring: memory only, and says why',
    async () => {
      mkdirSync(join(dir, 'run'), { mode: 0o700 });
      const result = await openVaultIn(
        {
          ...process.env,
          HOME: dir,
          XDG_DATA_HOME: join(dir, 'data'),
          XDG_RUNTIME_DIR: join(dir, 'run'),
          XDG_CACHE_HOME: join(dir, 'cache'),
          XDG_CONFIG_HOME: join(dir, 'config'),
        },
        ['dbus-run-session', '--'],
      );
      expectMemoryVaultWorks(result);
      expect(result.reason).toMatch(
        /^The Secret Service has no usable keyring \(.+\): secrets are kept in memory for this session only$/,
      );
    },
  );
});
