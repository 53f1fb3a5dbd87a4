/**
 * The kill switch's sequence, after the lock is on: cancel every working order on every
 * connection → wait for each broker's acknowledgement (the desk's deadline) → flatten every
 * position → wait for the positions to report flat. Each step is journaled and published as it
 * happens; a broker that does not acknowledge in time is named, never assumed done. Cancelling
 * first means no resting order can re-open a position after it was closed (NinjaTrader's
 * documented in-flight reversal).
 */
import type { KillStep } from '../../../shared/alerts';
import type { Result } from '../../../shared/contract';
import { isOrderDone, type Order } from '../../../shared/domain';
import type { Ledger } from '../ledger';
import type { Logger } from '../log';
import type { OrderDesk } from '../orders/desk';
import type { Timers } from '../orders/deadline';

/** How long positions have to report flat after the closing orders were accepted. */
export const FLAT_WAIT_MS = 10_000;

export interface KillSwitchDeps {
  ledger: Ledger;
  desk: Pick<OrderDesk, 'cancel' | 'flatten'>;
  timers: Timers;
  now: () => number;
  logger?: Logger;
  flatWaitMs?: number;
  /**
   * Ends every OCO / bracket / trailing protection first (terminal-managed ones stop being
   * watched), so none of them places an order once the switch has run.
   */
  endProtection?: () => Promise<{ cancelled: number; failed: { id: string; message: string }[] }>;
  /** Called with every step as it starts and ends (journal + status). */
  onStep(step: KillStep): void;
}

function label(ledger: Ledger, connectionId: string): string {
  return ledger.connectionHealth(connectionId)?.label ?? connectionId;
}

function working(ledger: Ledger): Order[] {
  return ledger.orders().filter((o) => o.placeholder !== true && !isOrderDone(o.status));
}

/** Runs the cancel, flatten and verify steps; true when every step finished. */
export async function runKillSwitch(deps: KillSwitchDeps, flatten: boolean): Promise<boolean> {
  const { ledger, desk, now, onStep } = deps;
  const step = (s: KillStep['step'], state: KillStep['state'], detail: string): void =>
    onStep({ step: s, state, detail, ts: now() });

  // ---- end every protection, then cancel every working order, on every connection, at once
  step('cancel', 'running', 'Ending protection and cancelling working orders…');
  const ended = deps.endProtection === undefined ? { cancelled: 0, failed: [] } : await deps.endProtection();
  const orders = working(ledger);
  step('cancel', 'running', `Cancelling ${orders.length} working order(s)…`);
  const cancels = await Promise.all(
    orders.map(async (o) => ({ o, r: await desk.cancel({ connectionId: o.connectionId, orderId: o.id }) })),
  );
  const unanswered = cancels.filter(({ r }) => !r.ok && r.error.code !== 'order_done');
  const endedText = ended.cancelled === 0 ? '' : ` ${ended.cancelled} protection(s) ended.`;
  if (ended.failed.length > 0)
    step(
      'cancel',
      'failed',
      `Protection still active: ${ended.failed.map((f) => f.message).join('; ')}.${endedText}`,
    );
  else if (unanswered.length === 0)
    step('cancel', 'done', `${orders.length} working order(s) cancelled and acknowledged.${endedText}`);
  else
    step(
      'cancel',
      'failed',
      `Not acknowledged: ${unanswered
        .map(
          ({ o, r }) =>
            `${o.symbol} ${o.id} on ${label(ledger, o.connectionId)} (${r.ok ? '' : r.error.message})`,
        )
        .join('; ')}. ${orders.length - unanswered.length} of ${orders.length} cancelled.`,
    );

  if (!flatten) {
    step('flatten', 'skipped', 'Positions left open, as asked.');
    return unanswered.length === 0 && ended.failed.length === 0;
  }

  // ---- flatten every position (the desk cancels what is left on the symbol first)
  const open = ledger.positions().filter((p) => p.qty !== 0);
  step('flatten', 'running', `Closing ${open.length} position(s) at market…`);
  const closes = await Promise.all(
    open.map(async (p) => ({
      p,
      r: (await desk.flatten({
        connectionId: p.connectionId,
        accountId: p.accountId,
        symbol: p.symbol,
      })) as Result<Order[]>,
    })),
  );
  const refused = closes.filter(({ r }) => !r.ok);
  if (refused.length === 0)
    step('flatten', 'done', `Closing orders accepted for ${open.length} position(s).`);
  else
    step(
      'flatten',
      'failed',
      `Not closed: ${refused
        .map(
          ({ p, r }) =>
            `${p.symbol} ${p.qty} on ${label(ledger, p.connectionId)} (${r.ok ? '' : r.error.message})`,
        )
        .join('; ')}.`,
    );

  // ---- verify: the brokers report the positions flat
  step('verify', 'running', 'Waiting for the brokers to report every position flat…');
  const still = await waitFlat(deps);
  if (still.length === 0) {
    step('verify', 'done', 'Every position is flat.');
    return unanswered.length === 0 && refused.length === 0;
  }
  step(
    'verify',
    'failed',
    `Still open after ${Math.round((deps.flatWaitMs ?? FLAT_WAIT_MS) / 1000)} s: ${still
      .map((p) => `${p.symbol} ${p.qty} on ${label(ledger, p.connectionId)}`)
      .join('; ')}. Check them at the broker.`,
  );
  return false;
}

/** Resolves with the positions still open once all are flat or the wait is over. */
function waitFlat(deps: KillSwitchDeps) {
  const { ledger, timers } = deps;
  const open = () => ledger.positions().filter((p) => p.qty !== 0);
  if (open().length === 0) return Promise.resolve([]);
  return new Promise<ReturnType<typeof open>>((resolve) => {
    const done = (): void => {
      off();
      timers.clearTimeout(timer);
      resolve(open());
    };
    const off = ledger.events.on('position', () => {
      if (open().length === 0) done();
    });
    const timer = timers.setTimeout(done, deps.flatWaitMs ?? FLAT_WAIT_MS);
  });
}
