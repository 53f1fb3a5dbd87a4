/**
 * What a refused connection form says about each field: the dialog shows these beside the
 * fields, so they name no channel or request path and are sentences a trader can act on.
 */
import { describe, expect, it } from 'vitest';
import { CommandRouter } from '../../../../src/main/core/commands/router';
import { checkForm } from '../../../../src/main/core/connections/form';
import { ConnectionForm } from '../../../../src/shared/contract';

const form = (over: Partial<ConnectionForm> = {}) =>
  ConnectionForm.parse({
    id: 'gw',
    kind: 'portfolio-stream',
    label: 'Gateway',
    mode: 'demo',
    fields: { url: 'wss://gw.example.net/ws/portfolio' },
    ...over,
  });

describe('connection form: problems by field', () => {
  it('says beside the URL field what is wrong with it, in words', () => {
    const bad = checkForm(form({ fields: { url: 'not an address' } }));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.fields).toEqual({
      'fields.url': 'Not a valid address: expected something like ws://host:port.',
    });

    const scheme = checkForm(form({ fields: { url: 'https://gw.example.net/ws' } }));
    expect(!scheme.ok && scheme.error.fields).toEqual({ 'fields.url': 'Must be a ws:// or wss:// address.' });

    const clear = checkForm(form({ fields: { url: 'ws://gw.example.net/ws' } }));
    expect(!clear.ok && clear.error.fields?.['fields.url']).toMatch(
      /^A demo connection must use an encrypted wss:\/\/ address .*\.$/,
    );
    const missing = checkForm(form({ fields: {} }));
    expect(!missing.ok && missing.error.fields).toEqual({ 'fields.url': 'Required.' });
  });

  it('marks the name and the id when the request itself is refused, without the channel', async () => {
    const router = new CommandRouter();
    const res = (await router.dispatch('term:connections.save', {
      id: ' bad id',
      kind: 'portfolio-stream',
      label: '  ',
      mode: 'demo',
    })) as { ok: false; error: { fields?: Record<string, string> } };
    expect(res.ok).toBe(false);
    expect(res.error.fields).toEqual({
      id: 'Use 1–64 letters, digits, ".", "_" or "-".',
      label: 'Give the connection a name.',
    });
  });
});
