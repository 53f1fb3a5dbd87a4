/**
 * Alert rules and risk limits through the hosts' start-up path: saved to the settings file
 * (validated, with the reason when refused) and applied by the engine, back after a restart; a
 * profile's `alerts` run for the session without being written; a section that no longer parses
 * falls back to the defaults instead of leaving the trader unprotected.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConnections } from '../../../../src/main/core/connections';
import { memoryVault } from '../../../../src/main/core/credentials';
import { Engine } from '../../../../src/main/core/engine';
import { silentLogger } from '../../../../src/main/core/log';
import { defaultAlertsConfig } from '../../../../src/shared/alerts';
import type { AlertsConfigView, Result } from '../../../../src/shared/contract';

let dir = '';
const engines: Engine[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'peregrine-alert-settings-'));
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function session(profileFile?: string) {
  const logger = silentLogger();
  const opened = await openConnections({
    dataDir: dir,
    logger,
    vault: memoryVault(logger, 'tests keep secrets in memory'),
    env: {},
    ...(profileFile === undefined ? {} : { profileFile }),
  });
  const engine = Engine.create({ logger, paper: true, seed: 7, alertTickMs: 0 });
  engines.push(engine);
  const manager = opened.manager(engine);
  const config = async () => {
    const r = (await manager.dispatch('term:alerts.config', {})) as Result<AlertsConfigView>;
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const save = (c: unknown) =>
    manager.dispatch('term:alerts.saveConfig', c) as Promise<Result<AlertsConfigView>>;
  return { engine, config, save };
}

const loss = { id: 'loss', kind: 'pnl', direction: 'below', threshold: -500 };

describe('alert rules and risk limits in settings', () => {
  it('a fresh install has the default rules; saved rules and limits apply at once and come back after a restart', async () => {
    const first = await session();
    expect((await first.config()).config).toEqual(defaultAlertsConfig());
    const saved = await first.save({ rules: [loss], limits: { maxOrderQty: 5 } });
    expect(saved.ok && saved.value).toMatchObject({ source: 'settings', persistent: true });
    expect(first.engine.risk.status().limits.maxOrderQty).toBe(5);
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as {
      alerts: { rules: unknown[] };
    };
    expect(file.alerts.rules).toEqual([expect.objectContaining({ id: 'loss', threshold: -500 })]);

    const second = await session();
    expect((await second.config()).config.rules.map((r) => r.id)).toEqual(['loss']);
    expect(second.engine.risk.status().limits.maxOrderQty).toBe(5);
  });

  it('an invalid config is refused with the reason and nothing changes', async () => {
    const s = await session();
    const r = await s.save({ rules: [loss, loss] });
    expect(!r.ok && r.error.message).toMatch(/each rule needs its own id/);
    const bad = await s.save({ rules: [{ ...loss, threshold: 'lots' }] });
    expect(!bad.ok && bad.error.code).toBe('invalid_request');
    expect((await s.config()).config).toEqual(defaultAlertsConfig());
  });

  it('a profile’s alerts run for the session and are never written', async () => {
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        connections: [{ kind: 'paper', id: 'paper', mode: 'paper' }],
        alerts: { rules: [loss], limits: { dailyLoss: 1000 } },
      }),
    );
    const s = await session(profile);
    const view = await s.config();
    expect(view).toMatchObject({ source: 'profile', persistent: false });
    expect(s.engine.risk.status().dailyLoss).toBe(1000);
    expect((await s.save({ rules: [] })).ok).toBe(true);
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as { alerts: unknown };
    expect(file.alerts).toEqual(defaultAlertsConfig());
  });

  it('a section that no longer parses runs the defaults and is left in the file', async () => {
    await session();
    const path = join(dir, 'settings.json');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...doc, alerts: { rules: [{ id: 'x', kind: 'future-kind' }] } }));
    const s = await session();
    expect((await s.config()).config).toEqual(defaultAlertsConfig());
    expect(readFileSync(path, 'utf8')).toContain('future-kind');
  });
});
