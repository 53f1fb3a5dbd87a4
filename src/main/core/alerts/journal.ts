/**
 * The alert journal: every firing, re-arm and risk step, appended as one JSON line to a file of
 * the day (UTC) in the data directory, owner-only (0600), written before the alert is delivered
 * or the step is acted on. On start the engine reads today's file back, so a rule that already
 * fired today does not fire again after a restart and a kill-switch lock survives one.
 * Without a directory (tests, engines without a data dir) it keeps the entries in memory.
 */
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AlertFiring, KillStep } from '../../../shared/alerts';
import type { Logger } from '../log';
import { ensurePrivateDir } from '../settings';

export const JournalEntry = z.discriminatedUnion('t', [
  AlertFiring.extend({ t: z.literal('fired'), subject: z.string() }),
  z.object({
    t: z.literal('rearmed'),
    ts: z.number(),
    ruleId: z.string(),
    subject: z.string(),
    value: z.number().nullable(),
  }),
  z.object({
    t: z.literal('lock'),
    ts: z.number(),
    reason: z.string(),
    lockedUntil: z.number().nullable(),
  }),
  z.object({ t: z.literal('unlock'), ts: z.number(), by: z.string() }),
  KillStep.extend({ t: z.literal('kill') }),
]);
export type JournalEntry = z.infer<typeof JournalEntry>;

const DAY_MS = 86_400_000;

/** Start of the UTC day holding `ts`: the session boundary for "today" and for locks. */
export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

export function nextDayStart(ts: number): number {
  return dayStart(ts) + DAY_MS;
}

function fileFor(dir: string, ts: number): string {
  return join(dir, `alerts-${new Date(dayStart(ts)).toISOString().slice(0, 10)}.jsonl`);
}

export class AlertJournal {
  private readonly memory: JournalEntry[] = [];

  constructor(
    /** Directory of the day files; null keeps entries in memory. */
    private readonly dir: string | null,
    private readonly log?: Logger,
  ) {
    if (dir !== null) ensurePrivateDir(dir);
  }

  /** Appends synchronously: the entry is on disk before the caller acts on it. */
  append(entry: JournalEntry): void {
    if (this.dir === null) {
      this.memory.push(entry);
      return;
    }
    const file = fileFor(this.dir, entry.ts);
    const created = !existsSync(file);
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      // An existing file keeps its mode; a new one may have been widened by the umask.
      if (created) chmodSync(file, 0o600);
    } catch (err) {
      // A full disk must not stop an alert from reaching the trader; it is logged loudly.
      this.log?.error(
        { err: err instanceof Error ? err.message : String(err) },
        'alert journal write failed',
      );
      this.memory.push(entry);
    }
  }

  /** The entries of the day holding `now`, oldest first; a line that does not parse is skipped. */
  today(now: number): JournalEntry[] {
    const from = dayStart(now);
    const kept = this.memory.filter((e) => e.ts >= from);
    if (this.dir === null) return kept;
    const file = fileFor(this.dir, now);
    if (!existsSync(file)) return kept;
    const out: JournalEntry[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        continue; // a torn last line after a crash
      }
      const parsed = JournalEntry.safeParse(json);
      if (parsed.success && parsed.data.ts >= from) out.push(parsed.data);
    }
    return [...out, ...kept].sort((a, b) => a.ts - b.ts);
  }
}
