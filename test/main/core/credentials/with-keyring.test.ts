import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', '..', '..', '..', 'scripts', 'with-keyring.sh');
const haveTools = [
  '/usr/bin/dbus-run-session',
  '/usr/bin/gnome-keyring-daemon',
  '/usr/bin/secret-tool',
].every((p) => existsSync(p));

function run(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.runIf(process.platform === 'linux')('scripts/with-keyring.sh', () => {
  it.runIf(haveTools)(
    'runs the command against its own unlocked Secret Service and passes its exit status',
    async () => {
      const result = await run([
        '/bin/sh',
        '-c',
        'printf %s wrapped-secret | secret-tool store --label=t service PeregrineWrapperTest username w/x && ' +
          'echo "kr=$PEREGRINE_KEYRING" && secret-tool lookup service PeregrineWrapperTest username w/x && exit 7',
      ]);
      expect(result.stdout).toBe('kr=gnome-keyring\nwrapped-secret');
      expect(result.code).toBe(7);
    },
  );

  it('runs the command directly, saying so in one line, when the tools are missing', async () => {
    const result = await run(['/bin/sh', '-c', 'echo "kr=$PEREGRINE_KEYRING"; exit 3'], {
      ...process.env,
      PATH: '/nonexistent',
    });
    expect(result.stdout).toBe('kr=unavailable\n');
    expect(result.stderr.trim().split('\n')).toEqual([
      'with-keyring: dbus-run-session or gnome-keyring-daemon not found; the keychain tests will use the memory fallback',
    ]);
    expect(result.code).toBe(3);
  });
});
