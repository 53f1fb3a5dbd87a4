/**
 * One symbol's simulated market: a seeded random walk in whole ticks with regime switching
 * (quiet spells, normal trading, bursts), a bid/ask spread in ticks, displayed sizes and trade
 * prints. Working in integer ticks keeps every price on the grid; `roundToStep` removes float
 * noise when converting back to a price.
 */
import { roundToStep } from '../shared/money';
import type { MarketSpec } from './spec';
import { gaussian, type Rng } from '../shared/random';

export type Regime = 'quiet' | 'normal' | 'burst';

interface RegimeSpec {
  /** Mean ticks per second while in this regime. */
  rate: number;
  /** Volatility multiplier per tick relative to normal. */
  vol: number;
  /** Mean length of the regime in ticks. */
  meanLength: number;
}

const regimes: Record<Regime, RegimeSpec> = {
  quiet: { rate: 1, vol: 0.6, meanLength: 40 },
  normal: { rate: 4, vol: 1, meanLength: 200 },
  burst: { rate: 15, vol: 2.2, meanLength: 80 },
};

export interface MarketTick {
  symbol: string;
  ts: number;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  last: number;
  /** Size of the trade printed on this tick; 0 when only the quote moved. */
  tradeSize: number;
  /** Which side the trade hit: a buyer lifting the ask or a seller hitting the bid. */
  tradeSide: 'buy' | 'sell' | null;
}

export class PriceProcess {
  readonly symbol: string;
  private readonly tick: number;
  private readonly qtyStep: number;
  private bidTicks: number;
  private spreadTicks: number;
  private lastPrice: number;
  private regime: Regime = 'normal';
  private regimeLeft: number;
  /** Per-tick standard deviation of the mid, in ticks, in the normal regime. */
  private readonly sigmaTicks: number;

  constructor(
    private readonly spec: MarketSpec,
    private readonly rng: Rng,
  ) {
    this.symbol = spec.instrument.symbol;
    this.tick = spec.instrument.tickSize;
    this.qtyStep = spec.instrument.qtyStep;
    const startTicks = Math.round(spec.startPrice / this.tick);
    this.spreadTicks = spec.spreadTicks;
    this.bidTicks = startTicks - Math.floor(this.spreadTicks / 2);
    this.lastPrice = roundToStep(spec.startPrice, this.tick);
    const ticksPerMinute = regimes.normal.rate * 60;
    this.sigmaTicks = (spec.minuteVol * spec.startPrice) / this.tick / Math.sqrt(ticksPerMinute);
    this.regimeLeft = this.drawRegimeLength('normal');
  }

  get currentRegime(): Regime {
    return this.regime;
  }

  /** Mean ticks per second in the current regime: the scheduler uses it to pace this symbol. */
  get rate(): number {
    return regimes[this.regime].rate;
  }

  get bid(): number {
    return roundToStep(this.bidTicks * this.tick, this.tick);
  }

  get ask(): number {
    return roundToStep((this.bidTicks + this.spreadTicks) * this.tick, this.tick);
  }

  get last(): number {
    return this.lastPrice;
  }

  private drawRegimeLength(r: Regime): number {
    return Math.max(5, Math.round(-Math.log(Math.max(this.rng(), 1e-9)) * regimes[r].meanLength));
  }

  private switchRegime(): void {
    const u = this.rng();
    // Bursts are rarer than quiet spells; after a burst the market usually calms down.
    const next: Regime =
      this.regime === 'burst'
        ? u < 0.7
          ? 'normal'
          : 'quiet'
        : u < 0.2
          ? 'burst'
          : u < 0.55
            ? 'quiet'
            : 'normal';
    this.regime = next;
    this.regimeLeft = this.drawRegimeLength(next);
  }

  private drawSize(): number {
    const steps = Math.max(1, Math.round(this.spec.bookSize * (0.25 + this.rng() * 1.1)));
    return roundToStep(steps * this.qtyStep, this.qtyStep);
  }

  private drawTradeSize(): number {
    // Heavy-ish tail: most prints are small, a few are large.
    const u = Math.max(this.rng(), 1e-9);
    const steps = Math.max(1, Math.round((this.spec.bookSize / 8) * -Math.log(u)));
    return roundToStep(steps * this.qtyStep, this.qtyStep);
  }

  /** Advance one tick. */
  next(ts: number): MarketTick {
    if (--this.regimeLeft <= 0) this.switchRegime();
    const spec = regimes[this.regime];
    const move = Math.round(gaussian(this.rng) * this.sigmaTicks * spec.vol);
    // The spread widens a little in bursts and snaps back in calm markets.
    const base = this.spec.spreadTicks;
    this.spreadTicks =
      this.regime === 'burst' && this.rng() < 0.3 ? base + 1 + Math.floor(this.rng() * base) : base;
    this.bidTicks = Math.max(1, this.bidTicks + move);
    const bid = this.bid;
    const ask = this.ask;
    let tradeSize = 0;
    let tradeSide: 'buy' | 'sell' | null = null;
    if (this.rng() < 0.75) {
      tradeSide = this.rng() < 0.5 ? 'buy' : 'sell';
      tradeSize = this.drawTradeSize();
      this.lastPrice = tradeSide === 'buy' ? ask : bid;
    }
    return {
      symbol: this.symbol,
      ts,
      bid,
      ask,
      bidSize: this.drawSize(),
      askSize: this.drawSize(),
      last: this.lastPrice,
      tradeSize,
      tradeSide,
    };
  }
}
