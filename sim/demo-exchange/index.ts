/**
 * The demo exchange: one world served on two ports (trading: REST + in-band-authenticated socket;
 * market data: public quote streams). Copy this folder to start a new protocol simulator.
 */
import { World, type WorldOptions } from '../world';
import { type DemoTradingOptions, DemoTradingServer } from './trading';
import { DemoMarketServer } from './market';

export { DEMO_PASSWORD, DEMO_USER, DemoTradingServer } from './trading';
export { DemoMarketServer } from './market';

export interface DemoExchange {
  world: World;
  trading: DemoTradingServer;
  market: DemoMarketServer;
}

export function demoExchange(
  opts: {
    world?: WorldOptions;
    trading?: DemoTradingOptions;
    market?: ConstructorParameters<typeof DemoMarketServer>[1];
  } = {},
): DemoExchange {
  const world = new World(opts.world);
  const trading = world.serve(new DemoTradingServer(world, opts.trading));
  const market = world.serve(new DemoMarketServer(world, opts.market));
  return { world, trading, market };
}
