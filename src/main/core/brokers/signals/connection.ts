/**
 * A signals gateway (seed 003) as an engine `Connection`: read-only (signals are shown and may
 * raise alerts, never executed), prices for the symbols the terminal watches.
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
import { SignalsAdapter } from './adapter';

export const SignalsConfig = z.object({
  kind: z.literal('signals'),
  id: z.string().min(1),
  label: z.string().optional(),
  url: socketUrl,
  clientId: z.string().min(1).optional(),
  mode: z.enum(['paper', 'demo', 'live']).optional(),
  ...supervisorConfigFields,
});
export type SignalsConfig = z.infer<typeof SignalsConfig>;

export class SignalsConnection extends SupervisedConnection {
  constructor(config: SignalsConfig, deps: ConnectionDeps = {}) {
    const label = config.label ?? `Signals (${new URL(config.url).host})`;
    let adapter: SignalsAdapter | null = null;
    super(
      {
        id: config.id,
        kind: 'signals',
        label,
        mode: config.mode ?? 'live',
        capabilities: READ_ONLY_GATEWAY,
        heldBy: 'gateway',
        adapter: (logger) => {
          adapter = new SignalsAdapter({
            connectionId: config.id,
            label,
            url: config.url,
            ...(config.clientId === undefined ? {} : { clientId: config.clientId }),
            ...linkTuningFrom(config),
            logger,
          });
          return adapter;
        },
        supervisor: supervisorOptionsFrom(config, 'prices'),
        setInterest: (symbols) => adapter?.setInterest(symbols),
      },
      deps,
    );
  }
}
