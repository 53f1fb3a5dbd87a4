/**
 * Origins as the vault binds secrets to them: `scheme://host[:port]`, lower-case, default ports
 * dropped (WHATWG URL does both). `wss://h` and `https://h` are different origins: a secret saved
 * for a socket is not handed to a REST base on the same host unless that base was saved with it.
 */

/** The origin of `url`, or null when it is not an absolute URL with a host. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.host === '') return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** Distinct origins of the given addresses, sorted (unparseable ones are skipped). */
export function originsOf(urls: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const url of urls) {
    const origin = originOf(url);
    if (origin !== null) out.add(origin);
  }
  return [...out].sort();
}

/** The origins in `wanted` that `allowed` does not hold. */
export function originsOutside(wanted: readonly string[], allowed: readonly string[]): string[] {
  const ok = new Set(allowed);
  return wanted.filter((o) => !ok.has(o));
}
