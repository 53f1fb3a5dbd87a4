import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonFrame } from '../../src/shared/frames';

const Frame = z.object({ type: z.literal('quote'), data: z.object({ px: z.number() }) });

describe('parseJsonFrame', () => {
  it('parses text, bytes and fragmented buffers alike', () => {
    const text = '{"type":"quote","data":{"px":1.5},"extra":true}';
    const bytes = new TextEncoder().encode(text);
    for (const data of [text, bytes, [bytes.subarray(0, 5), bytes.subarray(5)]]) {
      const r = parseJsonFrame(Frame, data);
      expect(r.ok && r.value).toEqual({ type: 'quote', data: { px: 1.5 } });
    }
  });

  it('names why a frame was dropped: binary, invalid JSON, or the first issue’s path', () => {
    expect(parseJsonFrame(Frame, new Uint8Array(3), true)).toEqual(
      expect.objectContaining({ ok: false, reason: 'binary frame', sample: '<3 bytes>' }),
    );
    expect(parseJsonFrame(Frame, '{"type":')).toEqual(
      expect.objectContaining({ ok: false, reason: 'invalid JSON', detail: 'invalid JSON' }),
    );
    const r = parseJsonFrame(Frame, '{"type":"quote","data":{"px":"x"}}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('invalid frame');
    expect(r.detail).toMatch(/^invalid frame: data\.px /);
    expect(r.paths).toEqual(['data.px']);
    expect(r.json).toEqual({ type: 'quote', data: { px: 'x' } });
    expect(parseJsonFrame(Frame, '7')).toEqual(expect.objectContaining({ paths: ['(frame)'] }));
  });
});
