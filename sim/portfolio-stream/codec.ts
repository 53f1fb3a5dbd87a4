/**
 * How portfolio-stream frames break: one JSON envelope per frame, `{"type": …, "data": …}`. A
 * corrupt frame keeps the envelope's opening, an oversized one is a padded `batch`.
 */
import { type FrameCodec, jsonCodec } from '../codec';

export const portfolioStreamCodec: FrameCodec = {
  ...jsonCodec,
  corrupt: (frame) => `{"type":${frame.slice(8, 40)}\u0000garbage`,
  oversized: (bytes) => `{"type":"batch","pad":"${'x'.repeat(bytes)}"}`,
};
