/**
 * Reading JSON files we do not trust (settings, profiles) and describing what is wrong with them
 * without quoting their content: V8's JSON.parse messages echo a snippet of the input, and a
 * file may hold something that must not reach a log line.
 */
import type { z } from 'zod';
import { issueLines } from '../../../shared/issues';

export type JsonRead = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonText(text: string): JsonRead {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `not valid JSON${jsonErrorLocation(text, error)}` };
  }
}

function jsonErrorLocation(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (/end of (JSON )?input/i.test(message)) return ' (it ends too early)';
  const match = /position (\d+)/.exec(message);
  if (match === null) return '';
  const position = Number(match[1]);
  if (position >= text.length) return ' (it ends too early)';
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

/** One line per issue: the path of the bad field and what is wrong (zod messages hold no input). */
export function describeIssues(error: z.ZodError): string[] {
  return issueLines(error, '(top level)');
}
