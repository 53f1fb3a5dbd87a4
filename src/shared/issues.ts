/** Readable text for a zod failure, one place for every boundary: "limitPrice: needs a price; qty: …". */
import type { z } from 'zod';

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
