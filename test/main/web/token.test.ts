import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseToken, TOKEN_ENV } from '../../../src/main/web/token';

const dir = mkdtempSync(join(tmpdir(), 'peregrine-token-'));
const GOOD = 'a1b2c3d4e5f6a7b8c9d0e1f2';

function tokenFile(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe('choosing the web host token', () => {
  it('is random (chosen by the host) when nothing is given', () => {
    expect(chooseToken({ env: {} })).toEqual({ source: 'random' });
  });

  it('reads the environment variable quietly', () => {
    expect(chooseToken({ env: { [TOKEN_ENV]: GOOD } })).toEqual({ token: GOOD, source: 'environment' });
  });

  it('reads the first line of an owner-only file, over the environment', () => {
    const file = tokenFile('ok.token', `${GOOD}\nignored\n`, 0o600);
    expect(chooseToken({ file, env: { [TOKEN_ENV]: 'b'.repeat(20) } })).toEqual({
      token: GOOD,
      source: 'file',
    });
  });

  it('refuses a file other users can read, without quoting the token', () => {
    const file = tokenFile('loose.token', GOOD, 0o644);
    expect(() => chooseToken({ file, env: {}, platform: 'linux' })).toThrow(/readable by other users.*644/);
    try {
      chooseToken({ file, env: {}, platform: 'linux' });
    } catch (err) {
      expect(String(err)).not.toContain(GOOD);
    }
  });

  it('still takes --token, with a warning that it shows in the process list', () => {
    const choice = chooseToken({ argument: GOOD, env: {} });
    expect(choice.token).toBe(GOOD);
    expect(choice.warning).toMatch(/process list/);
  });

  it.each([
    [{ argument: GOOD, file: '/x' }, /not both/],
    [{ env: { [TOKEN_ENV]: 'short' } }, new RegExp(TOKEN_ENV)],
    [{ file: join(dir, 'missing') }, /cannot be read/],
  ])('refuses %j', (inputs, message) => {
    expect(() => chooseToken(inputs)).toThrow(message);
  });
});
