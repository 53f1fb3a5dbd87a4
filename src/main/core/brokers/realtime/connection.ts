/**
 * A realtime endpoint (seed 004) as an engine `Connection`: read-only (the seed shows no way to
 * trade), tickers for the configured and watched symbols, the server's own advanced orders shown
 * as gateway-held.
 */
import { z } from 'zod';
import { READ_ONLY_GATEWAY } from '../../connection';
import {
  linkTuningFrom,
  socketUrl,
  supervisorConfigFields,
  supervisorOptionsFrom,
} from '../../supervisor/config';
import { type ConnectionDeps, SupervisedConnection } from '../kit/connection';
import { RealtimeAdapter } from './adapter';

export const RealtimeConfig = z.object({
  kind: z.literal('realtime'),
  id: z.string().min(1),
  label: z.string().optional(),
  url: socketUrl,
  symbols: z.array(z.string().min(1)).default([]),
  orderSettleMs: z.number().min(0).optional(),
  mode: z.enum(['paper', 'demo', 'live']).optional(),
  ...supervisorConfigFields,
});
export type RealtimeConfig = z.infer<typeof RealtimeConfig>;

export class RealtimeConnection extends SupervisedConnection {
  constructor(config: RealtimeConfig, deps: ConnectionDeps = {}) {
    const label = config.label ?? `Realtime (${new URL(config.url).host})`;
    let adapter: RealtimeAdapter | null = null;
    super(
      {
        id: config.id,
        kind: 'realtime',
        label,
        mode: config.mode ?? 'paper',
        // The server holds trailing stops, OCOs and brackets itself; the terminal cannot place them here.
        capabilities: READ_ONLY_GATEWAY,
        heldBy: 'gateway',
        adapter: (logger) => {
          adapter = new RealtimeAdapter({
            connectionId: config.id,
            label,
            url: config.url,
            symbols: config.symbols,
            ...(config.orderSettleMs === undefined ? {} : { orderSettleMs: config.orderSettleMs }),
            ...linkTuningFrom(config),
            logger,
          });
          return adapter;
        },
        supervisor: supervisorOptionsFrom(config, 'positions'),
        setInterest: (symbols) => adapter?.setInterest(symbols),
      },
      deps,
    );
  }
}
