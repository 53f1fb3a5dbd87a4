/**
 * What the connection form and the vault banner tell the trader: pure text helpers of the
 * renderer's connection manager, checked with the vault's real reason strings.
 */
import { describe, expect, it } from 'vitest';
import { NO_SECRET_SERVICE_REASON } from '../../../../src/main/core/credentials/vault';
import type { ConnectionKindInfo } from '../../../../src/shared/contract';
import { defaultsFor, withModePresets } from '../../../../src/renderer/connectionManager/endpoints';
import {
  endpointNames,
  endpointOriginChanged,
  secretRequiredNote,
  urlOriginChanged,
} from '../../../../src/renderer/connectionManager/secretReuse';
import { memoryVaultNotice, vaultReasonSentence } from '../../../../src/renderer/connectionManager/vaultText';

describe('memory-vault banner', () => {
  it('says each thing once, in sentences with full stops', () => {
    const { headline, detail } = memoryVaultNotice(NO_SECRET_SERVICE_REASON);
    const text = `${headline} ${detail}`;
    expect(text).toBe(
      'Secrets are kept in memory for this session only. No Secret Service is running. They are never written to disk and will have to be entered again after a restart.',
    );
    expect(text.match(/for this session only/g)).toHaveLength(1);
    expect(text).not.toMatch(/[a-z] They/);
  });

  it('keeps a reason’s own detail and ends it with a full stop', () => {
    expect(
      vaultReasonSentence(
        'The OS keychain did not answer (timeout): secrets are kept in memory for this session only',
      ),
    ).toBe('The OS keychain did not answer (timeout).');
    expect(vaultReasonSentence('no keyring daemon')).toBe('No keyring daemon.');
    expect(vaultReasonSentence('Locked.')).toBe('Locked.');
    expect(vaultReasonSentence(null)).toBe('No OS keychain is available.');
  });
});

describe('connection form: stored secrets and an edited URL', () => {
  it('keeps them while scheme, host and port stay; asks again otherwise', () => {
    const saved = 'wss://gw.example.net/ws/portfolio';
    expect(urlOriginChanged(saved, saved)).toBe(false);
    expect(urlOriginChanged(saved, 'wss://gw.example.net:443/other/path')).toBe(false);
    expect(urlOriginChanged(saved, 'wss://GW.example.net/ws/portfolio')).toBe(false);
    expect(urlOriginChanged(saved, 'wss://evil.example.net/ws/portfolio')).toBe(true);
    expect(urlOriginChanged(saved, 'ws://gw.example.net/ws/portfolio')).toBe(true);
    expect(urlOriginChanged(saved, 'wss://gw.example.net:8443/ws/portfolio')).toBe(true);
    expect(urlOriginChanged(saved, 'wss://gw.exa')).toBe(true);
    expect(urlOriginChanged(saved, '')).toBe(true);
    expect(secretRequiredNote('Session cookie')).toBe(
      'The URL changed: enter the session cookie again so it is only sent to the new gateway.',
    );
  });
});

describe('connection form: several named endpoints', () => {
  it('asks for stored secrets again when any endpoint moves, not only url', () => {
    const endpoints = endpointNames([
      { name: 'url', label: 'Orders socket', type: 'url', required: true },
      { name: 'positions', label: 'Positions socket', type: 'url', required: true },
      { name: 'rest', label: 'REST base', type: 'url', required: true },
      { name: 'token', label: 'Token', type: 'secret', required: true },
    ]);
    expect(endpoints).toEqual(['url', 'positions', 'rest']);
    const saved = {
      url: 'wss://h.example/ws/orders',
      positions: 'wss://h.example/ws/positions',
      rest: 'https://h.example/api',
    };
    expect(endpointOriginChanged(endpoints, saved, { ...saved, rest: 'https://h.example/v2' })).toBe(false);
    expect(endpointOriginChanged(endpoints, saved, { ...saved, rest: 'https://collector.example/api' })).toBe(
      true,
    );
    expect(
      endpointOriginChanged(endpoints, saved, { ...saved, positions: 'wss://elsewhere.example/p' }),
    ).toBe(true);
  });
});

describe('connection form: endpoint presets per environment', () => {
  const kind: ConnectionKindInfo = {
    kind: 'toy',
    title: 'Toy',
    available: true,
    builtIn: false,
    modes: ['demo', 'live'],
    defaultMode: 'demo',
    fields: [
      {
        name: 'url',
        label: 'Socket',
        type: 'url',
        required: true,
        presets: { demo: 'wss://demo.example/ws', live: 'wss://live.example/ws' },
      },
      {
        name: 'rest',
        label: 'REST',
        type: 'url',
        required: true,
        presets: { demo: 'https://demo.example/api', live: 'https://live.example/api' },
      },
      { name: 'key', label: 'Key', type: 'secret', required: true },
      { name: 'account', label: 'Account', type: 'text', required: false, default: 'main' },
    ],
  };

  it('start from the presets and follow the environment unless customized', () => {
    const demo = defaultsFor(kind, 'demo');
    expect(demo).toEqual({ url: 'wss://demo.example/ws', rest: 'https://demo.example/api', account: 'main' });
    expect(withModePresets(kind, demo, 'demo', 'live')).toEqual({
      url: 'wss://live.example/ws',
      rest: 'https://live.example/api',
      account: 'main',
    });
    const custom = { ...demo, rest: 'https://my-proxy.example/api' };
    expect(withModePresets(kind, custom, 'demo', 'live')).toMatchObject({
      url: 'wss://live.example/ws',
      rest: 'https://my-proxy.example/api',
    });
  });
});
