/**
 * The fills journal on disk: one JSON line per execution, appended (owner-only) before the fill is
 * shown in the journal, with what pairing needs from the instrument (tick size, multiplier,
 * currency, asset class) when it is known, so old trips read the same after the instrument is gone. A line that does not parse
 * (a torn write, a hand edit) is moved to `fills.corrupt.jsonl` and reported, never silently dropped.
 * Durable as the comments say: each append is fsynced before it returns (fills are a few a second
 * at most, so no batching); an append after a torn one (a full disk) starts on a new line; the
 * rewrite that drops corrupt lines fsyncs its temp file before the rename and the directory after.
 */
import {
  closeSync,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { Fill } from '../../../shared/domain';
import type { Logger } from '../log';
import { ensurePrivateDir } from '../settings';

export const RecordedFill = z.object({
  v: z.literal(1),
  fill: Fill,
  /**
   * The instrument as known when recorded; absent when it was not known (never made up). Trips
   * are shown with the engine's instrument when it has one, these only when it has not.
   */
  tickSize: z.number().positive().optional(),
  multiplier: z.number().positive().optional(),
  currency: z.string().optional(),
  assetClass: z.string().optional(),
  /** The account was spot when recorded (a sell beyond the holding matches nothing). */
  spot: z.literal(true).optional(),
  /**
   * Not an execution: the position the broker held before the journal's first fill on this
   * account and symbol, at the broker's average price (`fill.id` is `before-journal:<first id>`).
   */
  opening: z.literal(true).optional(),
  /** When the terminal wrote it (the fill's own time is `fill.ts`). */
  recordedAt: z.number(),
});
export type RecordedFill = z.infer<typeof RecordedFill>;

/** The journal's file name inside `<dataDir>/trades` (beside, not among, the alert journal's day files). */
export const FILLS_FILE = 'fills.jsonl';
export const CORRUPT_FILE = 'fills.corrupt.jsonl';

export interface LoadedFills {
  fills: RecordedFill[];
  problems: string[];
}

export class FillsFile {
  constructor(
    /** `<dataDir>/trades/fills.jsonl`; null keeps the journal in memory (tests, no data dir). */
    readonly path: string | null,
    private readonly log?: Logger,
  ) {
    if (path !== null) ensurePrivateDir(dirname(path));
  }

  /** Reads every line back; unreadable ones go to the corrupt file and are reported. */
  load(): LoadedFills {
    if (this.path === null || !existsSync(this.path)) return { fills: [], problems: [] };
    const good: string[] = [];
    const bad: string[] = [];
    const fills: RecordedFill[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const parsed = parseLine(line);
      if (parsed === null) bad.push(line);
      else {
        good.push(line);
        fills.push(parsed);
      }
    }
    if (bad.length === 0) return { fills, problems: [] };
    const aside = join(dirname(this.path), CORRUPT_FILE);
    appendPrivate(aside, bad.map((l) => `${l}\n`).join(''));
    // Rewritten whole (temp file, then rename) so a crash leaves the old or the new file.
    const tmp = `${this.path}.tmp`;
    writeDurably(tmp, good.map((l) => `${l}\n`).join(''), 'w');
    renameSync(tmp, this.path);
    syncDir(dirname(this.path));
    const problem = `${bad.length} unreadable line${bad.length === 1 ? '' : 's'} of the trade journal ${bad.length === 1 ? 'was' : 'were'} moved to ${aside}; the trips shown leave ${bad.length === 1 ? 'it' : 'them'} out.`;
    this.log?.warn({ lines: bad.length, file: aside }, 'trade journal: unreadable lines kept aside');
    return { fills, problems: [problem] };
  }

  /** Appends one fill synchronously; false (and logged) when the disk refused it. */
  append(r: RecordedFill): boolean {
    if (this.path === null) return true;
    try {
      appendPrivate(this.path, `${JSON.stringify(r)}\n`);
      return true;
    } catch (err) {
      this.log?.error(
        { err: err instanceof Error ? err.message : String(err), fillId: r.fill.id },
        'trade journal write failed',
      );
      return false;
    }
  }
}

function parseLine(line: string): RecordedFill | null {
  try {
    const parsed = RecordedFill.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Appends and fsyncs; a file left without its last line end (a torn append) gets one first. */
function appendPrivate(file: string, text: string): void {
  writeDurably(file, text, 'a+');
}

function writeDurably(file: string, text: string, flags: 'a+' | 'w'): void {
  const created = flags === 'w' || !existsSync(file);
  const fd = openSync(file, flags, 0o600);
  try {
    // A new file may have been widened by the umask.
    if (created) fchmodSync(fd, 0o600);
    let out = text;
    const size = flags === 'a+' ? fstatSync(fd).size : 0;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) out = `\n${out}`;
    }
    writeSync(fd, out);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename in `dir` durable (where the platform lets a directory be fsynced). */
function syncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; the rename itself is atomic there.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
