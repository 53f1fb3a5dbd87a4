/**
 * The web host as a trader starts it: a real process (the CLI run from source), its token from
 * the environment instead of the command line, and one host per data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN_ENV } from '../../../src/main/web/token';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'src/main/web/cli.ts');
const TOKEN = `env-token-${Math.random().toString(36).slice(2)}-0123456789`;

interface Run {
  child: ChildProcess;
  stderr(): string;
  /** The URL line, or the exit code if the process ended first. */
  outcome: Promise<{ url: string } | { code: number | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function launch(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, PEREGRINE_CONNECTIONS: '', [TOKEN_ENV]: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const outcome = new Promise<{ url: string } | { code: number | null }>((done) => {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const url = /^Peregrine web UI: (\S+)$/m.exec(stdout)?.[1];
      if (url !== undefined) done({ url });
    });
    child.once('exit', (code) => done({ code }));
  });
  return { child, stderr: () => stderr, outcome };
}

const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => c.once('exit', () => r()));

describe('web host process', () => {
  it('takes its token from the environment, keeps it off the command line, and holds its data directory', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'peregrine-cli-')), 'data');
    const first = launch(['--data-dir', dataDir], { [TOKEN_ENV]: TOKEN });
    const started = await first.outcome;
    expect(started).toEqual({ url: expect.stringContaining(`?token=${TOKEN}`) });
    if (process.platform === 'linux')
      expect(readFileSync(`/proc/${first.child.pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
    expect(first.stderr()).not.toMatch(/warning/);
    // Created by the host: owner-only.
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    // A second host on the same directory refuses to start and says who holds it.
    const second = launch(['--data-dir', dataDir]);
    expect(await second.outcome).toEqual({ code: 2 });
    expect(second.stderr()).toContain(`pid ${first.child.pid}`);
    expect(second.stderr()).toContain(dataDir);

    // The first dies without cleaning up: its lock is stale and the next host takes over.
    first.child.kill('SIGKILL');
    await exited(first.child);
    const third = launch(['--data-dir', dataDir, '--token', TOKEN]);
    expect(await third.outcome).toEqual({ url: expect.stringContaining(`?token=${TOKEN}`) });
    // --token still works (tests rely on it), with a warning that others can see it.
    expect(third.stderr()).toMatch(/warning: --token is visible/);
    third.child.kill('SIGTERM');
    await exited(third.child);
    // Three cold starts from source (tsx compiles the whole main tree each time) on a busy machine.
  }, 90_000);
});
