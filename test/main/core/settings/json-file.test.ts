import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../../../src/main/core/settings/json-file';

describe('parseJsonText', () => {
  it('locates a syntax error by line and column without quoting the text', () => {
    const result = parseJsonText('{\n  "a": 1\n  "b": "tok-SECRET"\n}');
    expect(result).toEqual({ ok: false, message: 'not valid JSON (line 3, column 3)' });
  });

  it('never echoes the content V8 would quote', () => {
    const result = parseJsonText('{"key": tok-SECRET}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toContain('SECRET');
  });

  it('says when the text ends too early', () => {
    expect(parseJsonText('{"a": [1, 2')).toEqual({
      ok: false,
      message: 'not valid JSON (it ends too early)',
    });
    expect(parseJsonText('')).toEqual({ ok: false, message: 'not valid JSON (it ends too early)' });
  });

  it('returns the value of valid JSON', () => {
    expect(parseJsonText('{"a": [1, "x"]}')).toEqual({ ok: true, value: { a: [1, 'x'] } });
  });
});
