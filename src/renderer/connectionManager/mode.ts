/**
 * Live versus paper, decided once for the whole window: the riskiest mode among the accounts and
 * running connections on screen. One live connection turns the band red and the title to
 * "LIVE — Peregrine", before its accounts have even arrived.
 */
import { useEffect } from 'react';
import type { AccountMode } from '../../shared/domain';

const modeRank: Record<AccountMode, number> = { paper: 0, demo: 1, live: 2 };

export function riskiestMode(items: Iterable<{ mode: AccountMode }>): AccountMode {
  let mode: AccountMode = 'paper';
  for (const item of items) if (modeRank[item.mode] > modeRank[mode]) mode = item.mode;
  return mode;
}

export function windowTitle(mode: AccountMode): string {
  return `${mode.toUpperCase()} — Peregrine`;
}

/** Keeps `document.title` (and so the desktop window's title) on the current mode. */
export function useModeTitle(mode: AccountMode): void {
  useEffect(() => {
    document.title = windowTitle(mode);
  }, [mode]);
}

/**
 * The environment a new connection starts in: demo where the kind has one, else paper — never
 * live, whatever the kind's own default (gateways default to live in profiles). Live is chosen
 * by the trader, except for a kind that has no other environment.
 */
export function newConnectionMode(modes: readonly AccountMode[]): AccountMode {
  if (modes.includes('demo')) return 'demo';
  if (modes.includes('paper')) return 'paper';
  return modes[0] ?? 'demo';
}
