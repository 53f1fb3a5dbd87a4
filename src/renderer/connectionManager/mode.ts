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
