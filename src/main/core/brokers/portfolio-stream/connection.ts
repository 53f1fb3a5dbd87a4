/**
 * A portfolio-stream gateway as an engine `Connection`: its config, and the kit's supervised
 * connection around the adapter. Read-only — the protocol streams positions, orders, account and
 * trades but takes no orders, so no order routes are given.
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
import { PortfolioStreamAdapter } from './adapter';

export type { ConnectionDeps };

export const PortfolioStreamConfig = z.object({
  kind: z.literal('portfolio-stream'),
  id: z.string().min(1),
  label: z.string().optional(),
  url: socketUrl,
  sessionCookie: z.string().min(1),
  /** Expected user id; learned from the first frame when absent. */
  userId: z.string().optional(),
  /** What kind of money this gateway reports; defaults to live so nothing real is shown as paper. */
  mode: z.enum(['paper', 'demo', 'live']).optional(),
  ...supervisorConfigFields,
});
export type PortfolioStreamConfig = z.infer<typeof PortfolioStreamConfig>;

export class PortfolioStreamConnection extends SupervisedConnection {
  constructor(config: PortfolioStreamConfig, deps: ConnectionDeps = {}) {
    const label = config.label ?? `Portfolio stream (${new URL(config.url).host})`;
    super(
      {
        id: config.id,
        kind: 'portfolio-stream',
        label,
        mode: config.mode ?? 'live',
        capabilities: READ_ONLY_GATEWAY,
        secrets: [config.sessionCookie],
        adapter: (logger) =>
          new PortfolioStreamAdapter({
            connectionId: config.id,
            label,
            url: config.url,
            sessionCookie: config.sessionCookie,
            ...(config.userId === undefined ? {} : { userId: config.userId }),
            ...linkTuningFrom(config),
            logger,
          }),
        supervisor: supervisorOptionsFrom(config, 'portfolio'),
      },
      deps,
    );
  }
}
