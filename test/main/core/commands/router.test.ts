import { describe, expect, it } from 'vitest';
import { CommandRouter } from '../../../../src/main/core/commands/router';
import { ok } from '../../../../src/shared/contract';

describe('CommandRouter', () => {
  it('parses each request once against its schema before the handler sees it', async () => {
    const router = new CommandRouter();
    const seen: unknown[] = [];
    router.register('term:charts.open', (req) => {
      seen.push(req);
      return ok({ series: 'ES|1m', symbol: req.symbol, timeframe: req.timeframe, bars: [] });
    });
    const r = await router.dispatch('term:charts.open', { symbol: 'ES', timeframe: '1m' });
    expect(r).toMatchObject({ ok: true });
    expect(seen).toEqual([{ symbol: 'ES', timeframe: '1m' }]);
    const bad = await router.dispatch('term:charts.open', { symbol: 'ES', timeframe: '2m' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(seen).toHaveLength(1);
  });

  it('refuses unknown channels without echoing them, and says what is not served in this session', async () => {
    const router = new CommandRouter();
    await expect(router.dispatch('term:<script>', {})).rejects.toThrow(/^Unknown channel$/);
    expect(await router.dispatch('term:connections.list', {})).toEqual({
      ok: false,
      error: { code: 'not_available', message: 'Connection settings are not available in this session.' },
    });
    expect(await router.dispatch('term:settings.problems', {})).toEqual([]);
  });

  it('has one handler per channel', () => {
    const router = new CommandRouter().register('term:charts.close', () => ok({}));
    expect(() => router.register('term:charts.close', () => ok({}))).toThrow(/already has a handler/);
  });
});
