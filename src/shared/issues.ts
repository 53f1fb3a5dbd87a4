/**
 * Readable text for a zod failure, one place for every boundary (requests, settings, profiles,
 * connection forms): the path of the bad field and what is wrong — as one line per issue for
 * logs and summaries, or as a sentence per form field for a form to show beside the field. zod
 * messages hold no input value, so these lines are safe to log and to show.
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

/** "give the connection a name" → "Give the connection a name." */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/**
 * Issues by form field: the first issue of each field as a sentence, keyed by the field's path in
 * the request (`label`, `fields.url`). Issues about the whole value have no field and are left to
 * the summary line.
 */
export function fieldIssues(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issuePath(issue.path);
    if (path !== '' && out[path] === undefined) out[path] = sentence(issue.message);
  }
  return out;
}
