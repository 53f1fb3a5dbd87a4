/**
 * How a protocol's frames break. The frame faults (corrupt, truncate, binary, oversized,
 * reorder within a frame) ask the simulator's codec for a variant shaped like that protocol's
 * frames, so an adapter sees the damage it would see from that venue, not a generic one.
 */
export interface FrameCodec {
  /** A frame that starts like a real one and then turns to garbage. */
  corrupt(frame: string): string | Buffer;
  /** The frame cut short. */
  truncate(frame: string): string;
  /** Binary bytes where text was expected. */
  binary(frame: string): Buffer;
  /** A well-formed frame of about `bytes` bytes (beyond any sane client's maximum payload). */
  oversized(bytes: number): string;
  /** The messages one frame carries, when it can carry several (`a[...]`, JSON arrays). */
  split?(frame: string): string[] | null;
  /** One frame carrying these messages, in this order. */
  join?(messages: string[]): string;
}

/** A JSON object per frame: the default when a protocol does not say otherwise. */
export const jsonCodec: FrameCodec = {
  corrupt: (frame) => `${frame.slice(0, Math.min(24, Math.max(1, frame.length - 1)))}\u0000garbage`,
  truncate: (frame) => frame.slice(0, Math.max(1, Math.floor(frame.length / 2))),
  binary: (frame) => Buffer.from([0xff, 0x00, 0x9c, 0x42, ...Buffer.from(frame.slice(0, 16))]),
  oversized: (bytes) => `{"pad":"${'x'.repeat(bytes)}"}`,
};

/** Frames that are JSON arrays of messages (several messages per frame). */
export const jsonArrayCodec: FrameCodec = {
  ...jsonCodec,
  corrupt: (frame) => `${frame.slice(0, Math.min(24, Math.max(2, frame.length - 1)))}\u0000garbage`,
  oversized: (bytes) => `[{"pad":"${'x'.repeat(bytes)}"}]`,
  split: (frame) => {
    try {
      const parsed: unknown = JSON.parse(frame);
      return Array.isArray(parsed) ? parsed.map((m) => JSON.stringify(m)) : null;
    } catch {
      return null;
    }
  },
  join: (messages) => `[${messages.join(',')}]`,
};
