/**
 * Tolerant zod codecs for broker frames. Brokers send numbers as decimal strings (to keep their
 * precision through JSON), sometimes as JSON numbers; times as ISO strings or epoch numbers; one
 * object where a list was documented. Every codec accepts the forms seen in the wild and rejects
 * anything non-finite, so a bad value fails the frame instead of becoming NaN in the ledger.
 */
import { z } from 'zod';

/** Plain or exponent notation, optional sign and surrounding spaces ("  -12.50", "1e-8"). */
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A decimal as a number: `"190.25"` or `190.25`. */
export const decimal = z
  .union([z.string().regex(DECIMAL, 'not a decimal'), z.number()])
  .transform((v) => Number(v))
  .refine((n) => Number.isFinite(n), 'not a finite number');

/** A decimal that may be absent or null (brokers use both for "not applicable"). */
export const optionalDecimal = z.union([decimal, z.null()]).optional();

/**
 * A timestamp as epoch ms UTC: an ISO-8601 string, or epoch milliseconds as a number or digit
 * string (epoch seconds are told apart by size: below 1e11 is seconds, i.e. before 1973 in ms).
 */
export const isoTime = z
  .union([z.string(), z.number()])
  .transform((v) => {
    if (typeof v === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(v)) {
      const n = Number(v);
      return n < 1e11 ? Math.round(n * 1000) : n;
    }
    return Date.parse(v);
  })
  .refine((n) => Number.isFinite(n), 'not an ISO timestamp');

export const optionalIso = z.union([isoTime, z.null()]).optional();

/** A list, also accepting a single item or null where the broker sent one (or nothing). */
export function listOf<T extends z.ZodType>(item: T) {
  // `.optional()` before the transform, so an object key holding this list may be missing.
  return z
    .union([z.array(item), item, z.null()])
    .optional()
    .transform((v): z.output<T>[] => (v == null ? [] : Array.isArray(v) ? v : [v]));
}

/**
 * `isoTime`, reading an ISO string without a zone as UTC. Python gateways send
 * `datetime.utcnow().isoformat()` ("2024-12-19T12:00:00.123456"), which `Date.parse` would read
 * as the machine's local time.
 */
export const utcIsoTime = z
  .union([z.string(), z.number()])
  .transform((v) =>
    typeof v === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+$/.test(v.trim()) ? `${v.trim()}Z` : v,
  )
  .pipe(isoTime);

export const optionalUtcIso = z.union([utcIsoTime, z.null()]).optional();
