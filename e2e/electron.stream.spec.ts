/**
 * The desktop app's engine stream: batches reach the page through the MessagePort the main
 * process hands the preload, in sequence. (Window, app:// and IPC checks: electron.spec.ts.)
 */
import { expect, test } from '@playwright/test';
import type { StreamMessage } from '../src/shared/stream';
import { launchDesktop } from './desktop';

interface StreamWindow {
  terminal: { events: { subscribe(listener: (m: StreamMessage) => void): () => void } };
}

test('the engine streams batches to the window over the MessagePort, in sequence', async () => {
  const app = await launchDesktop('electron.stream.spec');
  if (app === null) return;
  try {
    const page = await app.firstWindow();
    await expect(page.locator('[data-testid=chart]')).toBeVisible();
    // The paper market ticks on its own, so batches keep coming without any action.
    const seqs = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const seen: number[] = [];
          const stop = (window as unknown as StreamWindow).terminal.events.subscribe((m) => {
            if (m.kind !== 'batch') return;
            seen.push(m.seq);
            if (seen.length === 3) {
              stop();
              resolve(seen);
            }
          });
        }),
    );
    expect(seqs).toHaveLength(3);
    expect(seqs[1]).toBeGreaterThan(seqs[0] ?? Infinity);
    expect(seqs[2]).toBeGreaterThan(seqs[1] ?? Infinity);
  } finally {
    await app.close();
  }
});
