/**
 * The Tradovate access-token lifecycle (brokers.md §1.3, §5.1): one token pair per connection,
 * requested with `auth/accesstokenrequest`, renewed with `auth/renewaccesstoken` before it expires
 * (a new request would start a new session and can knock out the old one's dependants), a new
 * request only when renewal fails. Penalty tickets (`p-ticket`, `p-time`) are waited out on the
 * supervisor's clock and retried with the ticket; `p-captcha` cannot be solved from a third-party
 * app, so it stops the connection with a message to wait. Times run on the supervisor clock: the
 * token's remaining lifetime is taken from `expirationTime` against our wall clock once, on receipt.
 */
import type { Clock, TimerHandle } from '../../supervisor/clock';
import { LinkError } from '../../supervisor/link';
import type { SupervisorLogger } from '../../supervisor/supervisor';
import { AccessToken, ErrorText, Penalty } from './messages';

export interface TradovateCredentials {
  name: string;
  password: string;
  appId: string;
  appVersion: string;
  cid: string;
  sec: string;
  deviceId?: string;
}

export interface Token {
  accessToken: string;
  mdAccessToken: string;
  /** On the supervisor clock. */
  expiresAt: number;
  userId: string | null;
}

export interface SessionOptions {
  restUrl: string;
  credentials: TradovateCredentials;
  logger: SupervisorLogger;
  connectionId: string;
  /** Renew when less than this is left (default 15 min, as the docs' sample does; capped at a quarter of the lifetime). */
  renewMarginMs?: number;
  /** Penalties up to this long are waited out inside a connect attempt; longer ones end it (default 5 s). */
  maxPenaltyWaitMs?: number;
  /** Deadline of one REST call (default 8 s). */
  requestTimeoutMs?: number;
}

export class TradovateSession {
  private token: Token | null = null;
  private lifetimeMs = 0;
  private penalty: { ticket: string; until: number } | null = null;
  private renewTimer: TimerHandle | null = null;
  private renewClock: Clock | null = null;
  /** Renewals and new requests so far (health and tests). */
  renewals = 0;
  requests = 0;

  constructor(private readonly o: SessionOptions) {}

  get current(): Token | null {
    return this.token;
  }

  /** The server refused this token (revoked by a quota kick, expired early): get a new one next time. */
  invalidate(reason: string): void {
    if (this.token === null) return;
    this.o.logger.warn({ connectionId: this.o.connectionId, reason }, 'access token invalidated');
    this.token = null;
  }

  /** A token good for connecting now: the current one, a renewed one, or a new one. */
  async ensure(clock: Clock, signal: AbortSignal): Promise<Token> {
    const t = this.token;
    if (t !== null && clock.now() < this.renewAt(t)) return t;
    if (t !== null && clock.now() < t.expiresAt) {
      const renewed = await this.renew(clock, signal).catch((err: unknown) => {
        this.o.logger.warn(
          { connectionId: this.o.connectionId, err },
          'token renewal failed; requesting a new token',
        );
        return null;
      });
      if (renewed !== null) return renewed;
    }
    return this.request(clock, signal);
  }

  /** Keep the token fresh while a link is open; returns the cancel function. */
  keepFresh(clock: Clock): () => void {
    this.cancelRenewal();
    this.renewClock = clock;
    this.scheduleRenewal();
    return () => this.cancelRenewal();
  }

  private scheduleRenewal(): void {
    const clock = this.renewClock;
    const t = this.token;
    if (clock === null || t === null) return;
    const delay = Math.max(0, this.renewAt(t) - clock.now());
    this.renewTimer = clock.setTimeout(() => {
      this.renewTimer = null;
      const ac = new AbortController();
      void this.renew(clock, ac.signal)
        .catch(async (err: unknown) => {
          // The open sockets stay authorized after expiry; only the next connect needs a token.
          this.o.logger.warn(
            { connectionId: this.o.connectionId, err },
            'token renewal failed; requesting a new token',
          );
          return this.request(clock, ac.signal);
        })
        .then(
          () => this.scheduleRenewal(),
          (err: unknown) =>
            this.o.logger.error(
              { connectionId: this.o.connectionId, err },
              'no fresh token; the next reconnect will try again',
            ),
        );
    }, delay);
  }

  private cancelRenewal(): void {
    if (this.renewTimer !== null && this.renewClock !== null) this.renewClock.clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.renewClock = null;
  }

  private renewAt(t: Token): number {
    const margin = Math.min(this.o.renewMarginMs ?? 15 * 60_000, this.lifetimeMs / 4);
    return t.expiresAt - margin;
  }

  private async renew(clock: Clock, signal: AbortSignal): Promise<Token> {
    const t = this.token;
    if (t === null) throw new LinkError('auth', 'no token to renew');
    const res = await this.call('GET', '/auth/renewaccesstoken', undefined, t.accessToken, signal);
    if (res.status === 401 || res.status === 403)
      throw new LinkError('auth', `renewal refused (HTTP ${res.status})`);
    const token = AccessToken.safeParse(res.body);
    if (!token.success)
      throw new LinkError('protocol', `renewal answered HTTP ${res.status} without a token`);
    this.renewals += 1;
    this.o.logger.info({ connectionId: this.o.connectionId }, 'access token renewed');
    return this.accept(token.data, clock, t.mdAccessToken);
  }

  private async request(clock: Clock, signal: AbortSignal): Promise<Token> {
    for (;;) {
      const p = this.penalty;
      if (p !== null && clock.now() < p.until) {
        const wait = p.until - clock.now();
        if (wait > (this.o.maxPenaltyWaitMs ?? 5_000))
          throw new LinkError('capacity', `Tradovate login penalty: retry in ${Math.ceil(wait / 1000)} s`);
        this.o.logger.warn(
          { connectionId: this.o.connectionId, waitMs: wait },
          'waiting out a login penalty',
        );
        await sleep(clock, wait, signal);
      }
      const c = this.o.credentials;
      const body = {
        name: c.name,
        password: c.password,
        appId: c.appId,
        appVersion: c.appVersion,
        cid: c.cid,
        sec: c.sec,
        ...(c.deviceId === undefined ? {} : { deviceId: c.deviceId }),
        ...(this.penalty === null ? {} : { 'p-ticket': this.penalty.ticket }),
      };
      this.requests += 1;
      const res = await this.call('POST', '/auth/accesstokenrequest', body, null, signal);
      const penalty = Penalty.safeParse(res.body);
      if (penalty.success) {
        const d = penalty.data;
        if (d['p-captcha'] === true) {
          this.penalty = null;
          throw new LinkError(
            'auth',
            'Tradovate wants a captcha for this login (too many attempts): wait about an hour, then reconnect',
          );
        }
        const seconds = d['p-time'] ?? 1;
        this.penalty = { ticket: d['p-ticket'], until: clock.now() + seconds * 1000 };
        this.o.logger.warn({ connectionId: this.o.connectionId, seconds }, 'login penalty (p-ticket)');
        continue;
      }
      this.penalty = null;
      if (res.status === 401 || res.status === 403)
        throw new LinkError('auth', `login refused (HTTP ${res.status})`);
      const failed = ErrorText.safeParse(res.body);
      if (failed.success) throw new LinkError('auth', `Tradovate login failed: ${failed.data.errorText}`);
      const token = AccessToken.safeParse(res.body);
      if (!token.success)
        throw new LinkError('protocol', `login answered HTTP ${res.status} without a token`);
      return this.accept(token.data, clock, null);
    }
  }

  private accept(body: AccessToken, clock: Clock, mdFallback: string | null): Token {
    // expirationTime is the server's wall clock: turn it into a lifetime once, then use our clock.
    this.lifetimeMs = Math.max(0, body.expirationTime - Date.now());
    const md = body.mdAccessToken ?? mdFallback ?? body.accessToken;
    this.token = {
      accessToken: body.accessToken,
      mdAccessToken: md,
      expiresAt: clock.now() + this.lifetimeMs,
      userId: body.userId === undefined ? null : String(body.userId),
    };
    return this.token;
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    bearer: string | null,
    signal: AbortSignal,
  ): Promise<{ status: number; body: unknown }> {
    const timeout = AbortSignal.timeout(this.o.requestTimeoutMs ?? 8_000);
    let res: Response;
    try {
      res = await fetch(`${this.o.restUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (err) {
      throw new LinkError('network', `${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status === 429) throw new LinkError('capacity', `${path}: rate limited (HTTP 429)`);
    if (res.status >= 500) throw new LinkError('network', `${path}: HTTP ${res.status}`);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // A non-JSON body is kept as text; the callers' schemas reject it.
    }
    return { status: res.status, body: parsed };
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(new LinkError('network', 'aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
