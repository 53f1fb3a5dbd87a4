/**
 * An engine in its own process, for the crash test: `tsx protectionChild.ts <exchange url> <data dir>`.
 * It talks to a LoopbackExchange, keeps its protection journal in the data directory, reads one
 * JSON protection request per stdin line and writes one JSON line per result and per protection
 * state on stdout, so the test can wait on what happened (never on time).
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Engine } from '../../src/main/core/engine';
import { JOURNAL_FILE } from '../../src/main/core/protection/journal';
import { LoopbackBrokerConnection } from './loopbackBroker';

const [url, dataDir] = process.argv.slice(2);
if (url === undefined || dataDir === undefined) throw new Error('usage: protectionChild <url> <dataDir>');

const engine = Engine.create({
  paper: false,
  connections: [new LoopbackBrokerConnection('lb', url)],
  protectionJournal: join(dataDir, JOURNAL_FILE),
  flushMs: 5,
});
const say = (msg: object): void => void process.stdout.write(`${JSON.stringify(msg)}\n`);

engine.ledger.events.on('verified', ({ verified }) => {
  if (verified) say({ verified: true, protections: engine.protection.list() });
});
engine.ledger.events.on('order', () => {
  // Settled protection state after every order event: the test waits for the one it needs.
  void engine.protection.idle().then(() => say({ protections: engine.protection.list() }));
});

await engine.start();
say({ started: true });
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const r = await engine.dispatch('term:protection.place', JSON.parse(line));
  say({ placed: r });
}
