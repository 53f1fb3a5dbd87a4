/**
 * What a hotkey or the DOM ladder trades: the focused symbol with the ticket's account and
 * quantity. The ticket publishes them here as they change; readers subscribe (no prop drilling
 * across the layout, and no re-render of the ticket when a reader changes).
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { TradeTarget } from './target';

const EMPTY: TradeTarget = { instrument: undefined, account: null, qty: '' };

class TradeTargetStore {
  private value: TradeTarget = EMPTY;
  private readonly listeners = new Set<() => void>();
  get = (): TradeTarget => this.value;
  set(next: TradeTarget): void {
    const v = this.value;
    if (v.instrument === next.instrument && v.account === next.account && v.qty === next.qty) return;
    this.value = next;
    for (const l of this.listeners) l();
  }
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
}

const Ctx = createContext<TradeTargetStore | null>(null);

export function TradeTargetProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => new TradeTargetStore());
  return <Ctx.Provider value={store}>{children}</Ctx.Provider>;
}

function useTargetStore(): TradeTargetStore {
  const s = useContext(Ctx);
  if (!s) throw new Error('trade target outside TradeTargetProvider');
  return s;
}

export function useTradeTarget(): TradeTarget {
  const s = useTargetStore();
  return useSyncExternalStore(s.subscribe, s.get);
}

/** The ticket calls this with what it shows. */
export function usePublishTradeTarget(target: TradeTarget): void {
  const s = useTargetStore();
  const { instrument, account, qty } = target;
  useEffect(() => s.set({ instrument, account, qty }), [s, instrument, account, qty]);
}
