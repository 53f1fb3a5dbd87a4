/** The trader's local day as the journal asks for it: `YYYY-MM-DD` ↔ [midnight, next midnight). */

const pad = (n: number): string => String(n).padStart(2, '0');

/** Today's local date as an `<input type="date">` value. */
export function localDay(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight to the next local midnight (23 or 25 hours on a DST change); null if not a date. */
export function dayRange(day: string): { from: number; to: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (m === null) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const from = new Date(y, mo, d).getTime();
  const to = new Date(y, mo, d + 1).getTime();
  return Number.isFinite(from) && from >= 0 ? { from, to } : null;
}

/** "45s", "12m 05s", "2h 03m": how long a trip was held. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad(h % 24)}h`;
}
