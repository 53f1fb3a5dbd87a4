/**
 * Binance's REST API for resync and history: public and signed GETs under `{rest}/api/v3/…`,
 * weights read from `X-MBX-USED-WEIGHT-1M`, and Binance's failures turned into `LinkError` kinds
 * the supervisor's policy reads: a revoked or unknown key stops (auth), 429/418 wait longer
 * (capacity), a clock outside `recvWindow` re-measures the server clock and tries once more.
 */
import { LinkError } from '../../supervisor/link';
import type { ServerClock, Signer } from './signing';
import type { WeightMeter } from './weights';

export class BinanceRestError extends LinkError {
  constructor(
    kind: 'auth' | 'network' | 'protocol' | 'capacity',
    message: string,
    readonly status: number,
    readonly code: number | null,
  ) {
    super(kind, message);
  }
}

export interface RestDeps {
  base: string;
  signer: Signer;
  clock: ServerClock;
  weights: WeightMeter;
  now: () => number;
  recvWindow: number;
}

export class BinanceRest {
  constructor(private readonly d: RestDeps) {}

  /** GET /api/v3/time, and the server clock's offset from it. */
  async syncTime(signal?: AbortSignal): Promise<void> {
    const sent = this.d.now();
    const body = (await this.get('time', {}, 1, signal)) as { serverTime?: unknown };
    if (typeof body.serverTime !== 'number')
      throw new BinanceRestError('protocol', 'time: no serverTime', 200, null);
    this.d.clock.observe(sent, this.d.now(), body.serverTime);
  }

  get(
    path: string,
    params: Record<string, string | number>,
    weight: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) q.set(k, String(v));
    const qs = q.toString();
    return this.fetch(path, qs === '' ? '' : `?${qs}`, weight, false, signal);
  }

  async signed(
    path: string,
    params: Record<string, string | number>,
    weight: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    try {
      return await this.signedOnce(path, params, weight, signal);
    } catch (err) {
      // -1021: our clock drifted from Binance's; measure it again and try once more.
      if (!(err instanceof BinanceRestError) || err.code !== -1021) throw err;
      await this.syncTime(signal);
      return this.signedOnce(path, params, weight, signal);
    }
  }

  private signedOnce(
    path: string,
    params: Record<string, string | number>,
    weight: number,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const ts = this.d.clock.at(this.d.now());
    return this.fetch(
      path,
      `?${this.d.signer.signQuery(params, ts, this.d.recvWindow)}`,
      weight,
      true,
      signal,
    );
  }

  private async fetch(
    path: string,
    query: string,
    weight: number,
    signed: boolean,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const refusal = this.d.weights.refusal(weight, false);
    if (refusal !== null) throw new BinanceRestError('capacity', refusal, 0, null);
    this.d.weights.charge(weight);
    let res: Response;
    try {
      res = await fetch(`${this.d.base.replace(/\/$/, '')}/api/v3/${path}${query}`, {
        headers: signed ? { 'X-MBX-APIKEY': this.d.signer.apiKey } : {},
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (err) {
      // The URL carries only public params and a signature, never the secret; name the path only.
      throw new BinanceRestError(
        'network',
        `GET ${path}: ${err instanceof Error ? err.message : String(err)}`,
        0,
        null,
      );
    }
    const used = Number(res.headers.get('x-mbx-used-weight-1m'));
    if (Number.isFinite(used) && res.headers.has('x-mbx-used-weight-1m')) this.d.weights.observe(used);
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    if (res.ok) return body;
    const e = (body ?? {}) as { code?: unknown; msg?: unknown };
    const code = typeof e.code === 'number' ? e.code : null;
    const msg = `GET ${path}: HTTP ${res.status}${code === null ? '' : ` ${code}`}${typeof e.msg === 'string' ? ` ${e.msg}` : ''}`;
    if (res.status === 429 || res.status === 418) {
      const after = Number(res.headers.get('retry-after'));
      this.d.weights.block(this.d.now() + (Number.isFinite(after) ? after : 60) * 1000, res.status === 418);
      throw new BinanceRestError('capacity', msg, res.status, code);
    }
    if (res.status === 401 || code === -2015 || code === -2014 || code === -2008 || code === -1022)
      throw new BinanceRestError('auth', `${msg} — check the API key and secret`, res.status, code);
    throw new BinanceRestError(res.status >= 500 ? 'network' : 'protocol', msg, res.status, code);
  }
}
