/**
 * `node out/main/web.js --profile FILE` (what `npm run start:web -- --profile FILE` runs) brings
 * up the profile's connections without a click: paper plus a simulator connection whose secret
 * comes from the environment variable the profile names. Needs the build (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { PortfolioStreamSim } from '../../../../sim/portfolio-stream/server';
import type { StatusReport } from '../../../../src/shared/status';

const ROOT = resolve(import.meta.dirname, '../../../..');
const WEB_HOST = join(ROOT, 'out', 'main', 'web.js');
const SECRET = `S3cr3t-profile-${Math.random().toString(36).slice(2)}`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it.skipIf(!existsSync(WEB_HOST))('starts the connections a profile declares, without a click', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peregrine-profile-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const sim = new PortfolioStreamSim({ sessions: { [SECRET]: 'user-profile' }, batchIntervalMs: 100 });
  const { url } = await sim.start();
  cleanups.push(() => sim.stop());
  const profile = join(dir, 'profile.json');
  writeFileSync(
    profile,
    JSON.stringify({
      connections: [
        { kind: 'paper', id: 'paper', mode: 'paper' },
        {
          kind: 'portfolio-stream',
          id: 'sim',
          label: 'Simulator',
          mode: 'paper',
          url,
          secrets: { sessionCookie: { env: 'PEREGRINE_TEST_SESSION' } },
        },
      ],
    }),
  );
  const dataDir = join(dir, 'data');
  const child = spawn(
    process.execPath,
    [WEB_HOST, '--profile', profile, '--port', '0', '--data-dir', dataDir],
    {
      cwd: ROOT,
      env: { ...process.env, PEREGRINE_TEST_SESSION: SECRET, PEREGRINE_CONNECTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  await vi.waitFor(() => expect(stdout, stderr).toMatch(/^Peregrine web UI: \S+$/m), { timeout: 15_000 });
  const hostUrl = new URL(/^Peregrine web UI: (\S+)$/m.exec(stdout)?.[1] ?? '');
  const status = async (): Promise<StatusReport> => {
    const res = await fetch(`${hostUrl.origin}/status`, {
      headers: { Authorization: `Bearer ${hostUrl.searchParams.get('token') ?? ''}` },
    });
    return (await res.json()) as StatusReport;
  };
  await vi.waitFor(
    async () =>
      expect((await status()).connections.map((c) => [c.id, c.state])).toEqual(
        expect.arrayContaining([
          ['paper', 'live'],
          ['sim', 'live'],
        ]),
      ),
    { timeout: 15_000 },
  );
  await vi.waitFor(async () =>
    expect((await status()).accounts.some((a) => a.connectionId === 'sim' && a.verified)).toBe(true),
  );
  // Session-only: nothing about the profile's connection was written to settings.
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(readFileSync(join(dataDir, 'settings.json'), 'utf8')).not.toContain('"sim"');
  // Every file, the alert journal's folder included.
  for (const f of readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()))
    expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain(SECRET);
});

it.skipIf(!existsSync(WEB_HOST))(
  'refuses to start when a profile secret is missing, naming the variable',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peregrine-profile-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        connections: [
          {
            kind: 'portfolio-stream',
            id: 'sim',
            url: 'ws://127.0.0.1:9/ws/portfolio',
            secrets: { sessionCookie: { env: 'PEREGRINE_UNSET_SESSION' } },
          },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      [WEB_HOST, '--profile', profile, '--port', '0', '--data-dir', join(dir, 'd')],
      {
        cwd: ROOT,
        env: { ...process.env, PEREGRINE_UNSET_SESSION: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain('PEREGRINE_UNSET_SESSION');
  },
);
