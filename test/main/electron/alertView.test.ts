import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/shared/stream';
import { notificationFor, trayMenu, trayState } from '../../../src/main/electron/alertView';

const pnl = { totalPnl: -120.5, dayPnl: -80, unrealizedPnl: -40, currency: 'USD', unverified: false };
const risk = { level: 'ok' as const, locked: false, reason: null, pausedUntil: null };
const now = Date.UTC(2026, 11, 1, 14, 0);
const alert = (over: Partial<Alert>): Alert => ({
  id: 'a1',
  ts: now,
  level: 'info',
  title: 'ES at or above 5010',
  message: 'ES traded 5010.25 (level 5010).',
  active: true,
  acknowledged: false,
  ...over,
});

describe('tray state: the worst of risk, alerts and verification', () => {
  it('ok with nothing open: green, P&L in the tooltip', () => {
    const s = trayState({ pnl, alerts: [], risk, now });
    expect(s).toMatchObject({ level: 'ok', icon: 'tray-ok', title: '-$120.50' });
    expect(s.tooltip).toBe('Peregrine — P&L -$120.50 (day -$80.00)');
  });

  it('an unacknowledged warning turns it amber and is counted; acknowledged and cleared it goes', () => {
    const warn = alert({ level: 'warning' });
    expect(trayState({ pnl, alerts: [warn], risk, now })).toMatchObject({ level: 'warning' });
    expect(trayState({ pnl, alerts: [warn], risk, now }).tooltip).toMatch(/— 1 alert$/);
    // Seen but still true: stays amber, no longer counted.
    const seen = { ...warn, acknowledged: true };
    expect(trayState({ pnl, alerts: [seen], risk, now })).toMatchObject({ level: 'warning' });
    expect(trayState({ pnl, alerts: [{ ...seen, active: false }], risk, now }).level).toBe('ok');
  });

  it('a lock or a critical alert is red; the lock and its reason are in the tooltip and title', () => {
    const locked = { ...risk, level: 'alarm' as const, locked: true, reason: 'daily loss limit' };
    const s = trayState({ pnl, alerts: [], risk: locked, now });
    expect(s).toMatchObject({ level: 'alarm', icon: 'tray-alarm', title: '-$120.50 LOCKED' });
    expect(s.tooltip).toContain('TRADING LOCKED (daily loss limit)');
    expect(trayState({ pnl, alerts: [alert({ level: 'critical' })], risk, now }).level).toBe('alarm');
  });

  it('an unverified account is at least amber; a pause is shown', () => {
    expect(trayState({ pnl: { ...pnl, unverified: true }, alerts: [], risk, now }).level).toBe('warning');
    const paused = trayState({ pnl, alerts: [], risk: { ...risk, pausedUntil: now + 15 * 60_000 }, now });
    expect(paused.tooltip).toMatch(/alerts paused until 14:15 UTC$/);
  });
});

describe('native notifications', () => {
  it('one per alert id, with its sound and urgency, on what it is about', () => {
    const a = alert({ level: 'critical', sound: true, symbol: 'ES', connectionId: 'paper' });
    expect(notificationFor(a, { alreadyShown: false, windowFocused: false })).toEqual({
      title: a.title,
      body: a.message,
      silent: false,
      urgency: 'critical',
      target: { symbol: 'ES', connectionId: 'paper' },
    });
    expect(notificationFor(a, { alreadyShown: true, windowFocused: false })).toBeNull();
  });

  it('none while the window has focus, for muted or acknowledged alerts; silent without sound', () => {
    const a = alert({});
    expect(notificationFor(a, { alreadyShown: false, windowFocused: true })).toBeNull();
    expect(notificationFor({ ...a, muted: true }, { alreadyShown: false, windowFocused: false })).toBeNull();
    expect(
      notificationFor({ ...a, acknowledged: true }, { alreadyShown: false, windowFocused: false }),
    ).toBeNull();
    expect(notificationFor(a, { alreadyShown: false, windowFocused: false })).toMatchObject({
      silent: true,
      urgency: 'low',
    });
  });
});

describe('tray menu', () => {
  const labels = (items: ReturnType<typeof trayMenu>) =>
    items.map((i) => (i.kind === 'item' ? i.action : '—'));

  it('show, pause 15 min / 1 h, kill switch, quit', () => {
    expect(labels(trayMenu({ pausedUntil: null, locked: false, now }))).toEqual([
      'show',
      '—',
      'pause15',
      'pause60',
      '—',
      'kill',
      '—',
      'quit',
    ]);
  });

  it('resume while paused; the kill switch says when trading is locked', () => {
    const items = trayMenu({ pausedUntil: now + 60_000, locked: true, now });
    expect(labels(items)).toEqual(['show', '—', 'resume', '—', 'kill', '—', 'quit']);
    expect(items.find((i) => i.kind === 'item' && i.action === 'kill')).toMatchObject({
      label: 'Kill switch (trading locked)',
    });
  });
});
