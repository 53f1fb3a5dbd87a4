/**
 * The Binance Spot simulator (`protocols/brokers.md` §3): one world served on two ports, as
 * Binance splits them across hosts — market streams (`/stream`, `/ws/<name>`) on one, the
 * WebSocket API (`/ws-api/v3`) and REST (`/api/v3/*`) on the other. `BinanceSim` drives both as
 * one simulator for tests: shared faults hit both endpoints, protocol faults the one defining them.
 */
import type { AppliedFault, FaultInput, ProtocolFault } from '../faults';
import type { SimAddress } from '../base';
import { World, type WorldOptions } from '../world';
import { BinanceApiServer, type BinanceApiOptions } from './api';
import { BinanceExchange, type ExchangeOptions } from './exchange';
import { binancePairs } from './market';
import { BinanceStreamServer, type BinanceStreamOptions } from './streams';

export { BinanceApiServer } from './api';
export { BinanceExchange } from './exchange';
export { BinanceStreamServer } from './streams';
export { binancePairs } from './market';
export { hmacHex, wsApiPayload } from './signing';

/** The demo account's key pair (HMAC). Never a real credential. */
export const DEMO_API_KEY = 'simkey-alice-0000000000000000000000000000000000000000000000000000';
export const DEMO_API_SECRET = 'simsecret-alice-do-not-use-anywhere-else-000000000000000000000000';
export const DEMO_ACCOUNT = 'alice';

export interface BinanceSimOptions {
  world?: WorldOptions;
  exchange?: ExchangeOptions;
  api?: BinanceApiOptions;
  streams?: BinanceStreamOptions;
  /** Place a small market order for the demo account this often, so executions keep flowing. */
  autoTradeMs?: number;
  /** A BTC balance the account held before any trade the sim knows (its cost is unknown). */
  depositBtc?: number;
}

export class BinanceSim {
  readonly world: World;
  readonly exchange: BinanceExchange;
  readonly api: BinanceApiServer;
  readonly streams: BinanceStreamServer;
  private autoTimer: ReturnType<typeof setInterval> | null = null;
  private autoSide = true;

  constructor(private readonly opts: BinanceSimOptions = {}) {
    this.world = new World({ symbols: binancePairs, ...opts.world });
    this.exchange = new BinanceExchange(this.world, opts.exchange);
    this.exchange.addKey(DEMO_API_KEY, DEMO_API_SECRET, DEMO_ACCOUNT);
    if ((opts.depositBtc ?? 0) > 0) this.exchange.deposit(DEMO_ACCOUNT, 'BTC', opts.depositBtc ?? 0);
    this.api = this.world.serve(new BinanceApiServer(this.exchange, opts.api));
    this.streams = this.world.serve(new BinanceStreamServer(this.world, opts.streams));
  }

  async start(): Promise<SimAddress> {
    await this.world.start();
    const ms = this.opts.autoTradeMs;
    if (ms !== undefined && this.autoTimer === null)
      this.autoTimer = setInterval(() => {
        this.autoSide = !this.autoSide;
        this.exchange.place(DEMO_ACCOUNT, {
          symbol: 'BTCUSDT',
          side: this.autoSide ? 'BUY' : 'SELL',
          type: 'MARKET',
          quantity: '0.00100',
        });
      }, ms);
    return this.api.address();
  }

  async stop(): Promise<void> {
    if (this.autoTimer !== null) clearInterval(this.autoTimer);
    this.autoTimer = null;
    await this.world.stop();
  }

  get running(): boolean {
    return this.api.running;
  }

  address(): SimAddress {
    return this.api.address();
  }

  /** Where the adapter connects: REST base, combined-stream base, WebSocket API address. */
  urls(): { rest: string; stream: string; wsApi: string } {
    const api = this.api.address();
    const streams = this.streams.address();
    return { rest: api.httpUrl, stream: `ws://127.0.0.1:${streams.port}`, wsApi: api.url };
  }

  fault(input: FaultInput | ProtocolFault): AppliedFault {
    const kind = (input as { kind: string }).kind;
    const apiKinds = this.api.faultKinds();
    const streamKinds = this.streams.faultKinds();
    let out: AppliedFault | null = null;
    if (apiKinds.includes(kind)) out = this.api.fault(input as ProtocolFault);
    if (streamKinds.includes(kind) && kind !== 'expire-credentials')
      out = this.streams.fault(input as ProtocolFault);
    if (out === null) throw new Error(`unknown fault kind ${kind}`);
    return out;
  }

  clearFaults(): void {
    this.api.clearFaults();
    this.streams.clearFaults();
  }

  get framesSent(): number {
    return this.api.framesSent + this.streams.framesSent;
  }

  get hungCount(): number {
    return this.api.hungCount;
  }

  get accepted(): number {
    return this.api.accepted;
  }

  get peakConnections(): number {
    return this.api.peakConnections;
  }

  /** Both endpoints cut connections at this age (Binance: 24 h). */
  setMaxConnectionAge(ms: number | null): void {
    this.api.setMaxAge(ms);
    this.streams.setMaxAge(ms);
  }
}

export function binanceSim(opts: BinanceSimOptions = {}): BinanceSim {
  return new BinanceSim(opts);
}
