/**
 * A signals gateway (seed 003) as an engine `Connection`: read-only (signals are shown and may
 * raise alerts, never executed), prices for the symbols the terminal watches.
 */
import { z } from 'zod';
import type { Capabilities } from '../../connection';
import { supervisorConfigFields, supervisorOptionsFrom } from '../../supervisor/config';
import { type ConnectionDeps, SupervisedConnection } from '../kit/connection';
import { SignalsAdapter } from './adapter';

export const SignalsConfig = z.object({
  kind: z.literal('signals'),
  id: z.string().min(1),
  label: z.string().optional(),
  url: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL'),
  clientId: z.string().min(1).optional(),
  mode: z.enum(['paper', 'demo', 'live']).optional(),
  ...supervisorConfigFields,
});
export type SignalsConfig = z.infer<typeof SignalsConfig>;

const readOnly: Capabilities = {
  trading: false,
  modify: false,
  nativeOco: false,
  nativeTrailingStop: false,
  nativeBracket: false,
  snapshotResync: true,
  history: false,
};

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
        capabilities: readOnly,
        heldBy: 'gateway',
        adapter: (logger) => {
          adapter = new SignalsAdapter({
            connectionId: config.id,
            label,
            url: config.url,
            ...(config.clientId === undefined ? {} : { clientId: config.clientId }),
            ...(config.heartbeatMs === undefined ? {} : { heartbeatMs: config.heartbeatMs }),
            ...(config.maxConnectionAgeMs === undefined
              ? {}
              : { maxConnectionAgeMs: config.maxConnectionAgeMs }),
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
