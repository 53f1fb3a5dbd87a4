import { describe, expect, it } from 'vitest';
import { defaultDataDir, parseCli } from '../../../src/main/web/args';

describe('web host arguments', () => {
  it('parses port, token, seed and data dir', () => {
    const token = 'a'.repeat(32);
    expect(parseCli(['--port', '0', '--token', token, '--seed', '42', '--data-dir', '/tmp/x'])).toEqual({
      port: 0,
      token,
      seed: 42,
      dataDir: '/tmp/x',
    });
  });

  it('defaults to a random port and a per-user data dir', () => {
    const options = parseCli([]);
    expect(options.port).toBe(0);
    expect(options.token).toBeUndefined();
    expect(options.dataDir).toBe(defaultDataDir('default'));
    expect(options.profileFile).toBeUndefined();
  });

  it('takes --profile FILE as the connection profile', () => {
    expect(parseCli(['--profile', './ci/sim.json']).profileFile).toBe('./ci/sim.json');
    expect(parseCli(['--profile=/tmp/p.json']).profileFile).toBe('/tmp/p.json');
  });

  it('takes --token-file FILE', () => {
    expect(parseCli(['--token-file', '/run/user/1000/peregrine.token']).tokenFile).toBe(
      '/run/user/1000/peregrine.token',
    );
  });

  it.each([
    [['--token-file', '']],
    [['--port', '70000']],
    [['--port', 'x']],
    [['--token', 'short']],
    [['--seed', '1.5']],
    [['--profile', '']],
    [['--profile']],
    [['--unknown']],
  ])('rejects %j', (argv) => {
    expect(() => parseCli(argv)).toThrow();
  });

  it('puts data where each OS keeps per-user app data', () => {
    expect(defaultDataDir('default', { XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/Peregrine/web/default');
    expect(defaultDataDir('p', { APPDATA: 'C:/A' }, 'win32')).toContain('Peregrine');
  });
});
