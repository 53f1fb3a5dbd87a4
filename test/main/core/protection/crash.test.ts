/**
 * The engine killed mid-flight (a real child process, SIGKILL) and restarted on the same data
 * directory: protection resumes after reconcile, and the broker — a loopback exchange in this
 * process, which outlives the engine — sees zero duplicate submissions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ES } from '../fixtures';
import { LOOPBACK_ACCOUNT, LoopbackExchange } from '../../../support/loopbackBroker';

const CHILD = join(import.meta.dirname, 'fixtures/engineProcess.ts');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Child {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  /** Resolves with the first stdout line (past or future) that `test` accepts. */
  waitFor(test: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(req: object): void;
}

function startEngine(url: string, dataDir: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, url, dataDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    test: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  createInterface({ input: proc.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of [...waiters])
      if (w.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  });
  cleanups.push(() => void proc.kill('SIGKILL'));
  return {
    proc,
    lines,
    waitFor: (test) => {
      const seen = lines.find(test);
      return seen !== undefined
        ? Promise.resolve(seen)
        : new Promise((resolve) => waiters.push({ test, resolve }));
    },
    send: (req) => proc.stdin?.write(`${JSON.stringify(req)}\n`),
  };
}

const base = { connectionId: 'lb', accountId: LOOPBACK_ACCOUNT, symbol: 'ES', side: 'sell', qty: 2 };
const OCO_ID = 'pgtest-crash0001';
const TRAIL_ID = 'pgtest-crash0002';

describe('protection across a crash', () => {
  it('SIGKILL mid-flight, restart on the same data directory: resumed after reconcile, zero duplicate submissions', async () => {
    const exchange = new LoopbackExchange({ ...ES, connectionId: 'lb' });
    const url = await exchange.listen();
    cleanups.push(() => exchange.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'peregrine-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = startEngine(url, dataDir);
    await first.waitFor((l) => l.verified === true);
    first.send({
      ...base,
      qty: 1,
      kind: 'trailing',
      trail: { by: 'ticks', offset: 4 },
      clientOrderId: TRAIL_ID,
    });
    await first.waitFor((l) => l.placed !== undefined);
    expect(exchange.byClientId(`${TRAIL_ID}-ts`)).toMatchObject({ type: 'stop', stopPrice: 4999 });

    // The OCO's second leg reaches the exchange, but its answer never comes back: kill the
    // engine right there, with the call in flight.
    exchange.swallow.add(`${OCO_ID}-l2`);
    first.send({
      ...base,
      kind: 'oco',
      legs: [
        { type: 'limit', limitPrice: 5010 },
        { type: 'stop', stopPrice: 4990 },
      ],
      clientOrderId: OCO_ID,
    });
    await exchange.until(() => exchange.submissions(`${OCO_ID}-l2`) === 1);
    const exited = new Promise((resolve) => first.proc.once('exit', resolve));
    first.proc.kill('SIGKILL');
    await exited;

    // While no terminal runs, the first leg fills at the exchange.
    const l1 = exchange.byClientId(`${OCO_ID}-l1`);
    const l2 = exchange.byClientId(`${OCO_ID}-l2`);
    if (l1 === undefined || l2 === undefined) throw new Error('legs not at the exchange');
    exchange.fill(l1.id, 2, 5010);

    const second = startEngine(url, dataDir);
    // Resumed after reconcile: the sibling is cancelled...
    await exchange.until(() => exchange.received.some((r) => r.op === 'cancel' && r.id === l2.id));
    expect(exchange.orders.get(l2.id)?.status).toBe('cancelled');
    // (Resuming is what the engine does on the connection's 'verified' event.)
    expect(await second.waitFor((l) => l.verified === true)).toBeDefined();
    // ...and the trailing stop trails again from the next trade.
    exchange.trade(5010);
    await exchange.until(() => exchange.byClientId(`${TRAIL_ID}-ts`)?.stopPrice === 5009);
    await second.waitFor(
      (l) =>
        Array.isArray(l.protections) &&
        (l.protections as { id: string; status: string }[]).some(
          (p) => p.id === OCO_ID && p.status === 'done',
        ),
    );

    for (const id of [`${TRAIL_ID}-ts`, `${OCO_ID}-l1`, `${OCO_ID}-l2`])
      expect(exchange.submissions(id)).toBe(1);
    expect(exchange.received.filter((r) => r.op === 'place')).toHaveLength(3);
    expect(exchange.byClientId(`${OCO_ID}-fx`)).toBeUndefined();
  });
});
