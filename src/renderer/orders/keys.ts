/** Keys that make a retried request the same request (a modify or cancel click and its retries). */
export function newRequestKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `r${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')}`;
}
