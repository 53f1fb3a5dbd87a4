/**
 * The intent journal: what the protection engine is about to do, written (and fsync'ed) before it
 * does it, so a crash at any point leaves a record a restart can resume from. Append-only JSON
 * lines, one entry per line, in the data directory, mode 0600 (it names accounts and prices).
 *
 * Entries (every line has `v: 1`, `at` epoch ms and the protection `id`):
 * - `open`: a terminal-managed protection starts, with its parsed request and who holds it;
 * - `act`: a broker call is about to be made for one of its orders (`place` / `modify` /
 *   `cancel`, by role and client order id);
 * - `trail`: a trailing stop's new stop and peak, before the stop is moved at the broker;
 * - `done`: the protection ended (filled, cancelled, failed) and needs nothing more.
 *
 * A line that does not parse (a crash mid-write leaves a truncated last line; a disk error, a
 * corrupt one) is reported and skipped: it is never fatal, and the lines after it still count.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ProtectionRequest } from '../../../shared/contract';
import { HeldBy } from '../../../shared/domain';

export const JOURNAL_FILE = 'protection-journal.jsonl';

const Base = z.object({ v: z.literal(1), at: z.number(), id: z.string().min(1) });
export const JournalEntry = z.discriminatedUnion('op', [
  Base.extend({ op: z.literal('open'), request: ProtectionRequest, heldBy: HeldBy }),
  Base.extend({
    op: z.literal('act'),
    action: z.enum(['place', 'modify', 'cancel']),
    role: z.string(),
    clientOrderId: z.string(),
    detail: z.record(z.string(), z.json()).optional(),
  }),
  Base.extend({ op: z.literal('trail'), stopPrice: z.number(), peak: z.number() }),
  Base.extend({ op: z.literal('done'), status: z.enum(['done', 'failed']), note: z.string() }),
]);
export type JournalEntry = z.output<typeof JournalEntry>;
/** What a caller appends: the version and time are the journal's. */
export type JournalInput = DistributiveOmit<z.input<typeof JournalEntry>, 'v' | 'at'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface JournalProblem {
  line: number;
  reason: string;
  /** The start of the bad line (never the whole: it may be huge). */
  excerpt: string;
}

export interface JournalContents {
  entries: JournalEntry[];
  problems: JournalProblem[];
}

export interface IntentJournal {
  /** Where it is kept (null: in memory only, e.g. tests without a data directory). */
  readonly path: string | null;
  read(): JournalContents;
  /** Durable when it returns: the line is on disk before the caller acts. */
  append(entry: JournalInput): void;
  close(): void;
}

/** Parses journal text line by line; bad lines become problems, never exceptions. */
export function parseJournal(text: string): JournalContents {
  const entries: JournalEntry[] = [];
  const problems: JournalProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, reason: 'not JSON (truncated or corrupt)', excerpt: line.slice(0, 80) });
      return;
    }
    const parsed = JournalEntry.safeParse(json);
    if (parsed.success) entries.push(parsed.data);
    else
      problems.push({
        line: i + 1,
        reason: parsed.error.issues[0]?.message ?? 'not a journal entry',
        excerpt: line.slice(0, 80),
      });
  });
  return { entries, problems };
}

export class FileJournal implements IntentJournal {
  private fd: number | null = null;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  read(): JournalContents {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
      throw err;
    }
    return parseJournal(text);
  }

  append(entry: JournalInput): void {
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
      // The mode only applies on creation: an older file made with a looser umask is tightened.
      chmodSync(this.path, 0o600);
      // A previous crash may have left a truncated last line: start ours on a fresh one.
      writeSync(this.fd, '\n');
    }
    writeSync(this.fd, `${JSON.stringify({ v: 1, at: this.now(), ...entry })}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** A journal that lasts for the process only (engines without a data directory: tests, demos). */
export class MemoryJournal implements IntentJournal {
  readonly path = null;
  readonly lines: string[] = [];
  constructor(private readonly now: () => number = Date.now) {}
  read(): JournalContents {
    return parseJournal(this.lines.join('\n'));
  }
  append(entry: JournalInput): void {
    this.lines.push(JSON.stringify({ v: 1, at: this.now(), ...entry }));
  }
  close(): void {}
}
