/**
 * Frame parsing for adapters: the pure `parseJsonFrame` (shared with the web host bridge and the
 * simulators), plus the step every adapter takes on failure, counting the frame as malformed.
 */
import { parseJsonFrame, type RawFrame } from '../../../../shared/frames';
import type { LinkHandlers } from '../../supervisor/link';
import type { z } from 'zod';

export { parseJsonFrame, type FrameParse, type RawFrame } from '../../../../shared/frames';

/**
 * Parse a frame with `schema`; on failure report it through `handlers.malformed` (counted in
 * health, logged with a truncated sample, dropped) and return null. The socket lives on.
 */
export function readFrame<S extends z.ZodType>(
  schema: S,
  data: RawFrame,
  isBinary: boolean,
  handlers: Pick<LinkHandlers, 'malformed'>,
): z.output<S> | null {
  const r = parseJsonFrame(schema, data, isBinary);
  if (r.ok) return r.value;
  handlers.malformed(r.detail, r.sample);
  return null;
}
