/**
 * Readable text for a zod failure, one place for every boundary (requests, settings, profiles,
 * connection forms): the path of the bad field and what is wrong. zod messages hold no input
 * value, so these lines are safe to log and to show.
 */
import type { z } from 'zod';

/** `connections[1].secrets.session` style path of a zod issue; '' at the top level. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** One line per issue; `topLevel` names issues about the whole value (settings files say so). */
export function issueLines(error: z.ZodError, topLevel?: string): string[] {
  return error.issues.map((i) => {
    const path = issuePath(i.path) || topLevel;
    return path === undefined || path === '' ? i.message : `${path}: ${i.message}`;
  });
}

/** "limitPrice: a limit order needs a limit price; qty: …" */
export function describeIssues(error: z.ZodError): string {
  return issueLines(error).join('; ');
}
