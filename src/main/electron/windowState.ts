/**
 * Remembers the window's bounds between launches. What comes back from disk is parsed, not
 * trusted, and a window that would open off every screen (a monitor was unplugged) is dropped.
 */
import { screen, type Rectangle } from 'electron';
import Store from 'electron-store';
import { z } from 'zod';

const Bounds = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
});

const StoredState = z.object({ bounds: Bounds.optional(), maximized: z.boolean().optional() });
type StoredState = z.infer<typeof StoredState>;

export interface WindowState {
  bounds: Rectangle | null;
  maximized: boolean;
}

export class WindowStateStore {
  private readonly store = new Store<StoredState>({ name: 'window-state', clearInvalidConfig: true });

  load(): WindowState {
    const parsed = StoredState.safeParse(this.store.store);
    if (!parsed.success) return { bounds: null, maximized: false };
    const bounds = parsed.data.bounds ?? null;
    return {
      bounds: bounds !== null && isOnSomeDisplay(bounds) ? bounds : null,
      maximized: parsed.data.maximized ?? false,
    };
  }

  save(state: WindowState): void {
    this.store.store = { bounds: state.bounds ?? undefined, maximized: state.maximized };
  }
}

function isOnSomeDisplay(bounds: Rectangle): boolean {
  return screen.getAllDisplays().some(({ workArea: a }) => {
    const overlapX = Math.min(bounds.x + bounds.width, a.x + a.width) - Math.max(bounds.x, a.x);
    const overlapY = Math.min(bounds.y + bounds.height, a.y + a.height) - Math.max(bounds.y, a.y);
    return overlapX >= 100 && overlapY >= 50;
  });
}
