/**
 * Client order ids: one generator in the main process, so every id a broker sees has one shape.
 * At most 36 characters of `[A-Za-z0-9_-]` (Binance's limit; every broker we speak accepts the
 * subset), made once per trader intent and reused by every retry of it. Child orders of one intent
 * (a bracket's entry, target and stop) derive theirs from the parent's, so after a restart the
 * terminal can recognise its own orders at the broker by prefix and by role.
 *
 * Shape: `pg` + instance tag (4) + `-` + time (base 36) + sequence (base 36), e.g.
 * `pg3f9a-mfx1k2ab07` — about 20 characters, leaving room for a `-tp` style suffix.
 */
import { randomBytes } from 'node:crypto';

export const CLIENT_ORDER_ID_PREFIX = 'pg';
export const MAX_CLIENT_ORDER_ID = 36;
const ROLE_SUFFIX = /^[a-z0-9]{1,4}$/;

export class ClientOrderIds {
  private seq = 0;
  private readonly tag: string;

  constructor(
    private readonly now: () => number = Date.now,
    /** Distinguishes terminals (and restarts) placing through the same account. */
    tag: string = randomBytes(2).toString('hex'),
  ) {
    this.tag = tag.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
  }

  /** A fresh id for one intent. */
  next(): string {
    this.seq = (this.seq + 1) % 36 ** 4;
    return `${CLIENT_ORDER_ID_PREFIX}${this.tag}-${this.now().toString(36)}${this.seq.toString(36).padStart(2, '0')}`;
  }
}

/** The id of a child order of `parent` in `role` (`en`, `tp`, `sl`, `l1`, …): deterministic. */
export function childClientOrderId(parent: string, role: string): string {
  if (!ROLE_SUFFIX.test(role))
    throw new Error(`a child order role is 1–4 lowercase letters or digits: ${role}`);
  const id = `${parent}-${role}`;
  if (id.length > MAX_CLIENT_ORDER_ID)
    throw new Error(`client order id ${id} is longer than ${MAX_CLIENT_ORDER_ID} characters`);
  return id;
}

/** True for ids this terminal made (so a restart can recognise its own orders at the broker). */
export function isTerminalClientOrderId(id: string): boolean {
  return (
    id.startsWith(CLIENT_ORDER_ID_PREFIX) && id.length <= MAX_CLIENT_ORDER_ID && /^[A-Za-z0-9_-]+$/.test(id)
  );
}
