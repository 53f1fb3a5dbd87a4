/**
 * Every connection kind, as a plain list: adding a kind is one folder exporting one
 * `ConnectionKindSpec` (./kind.ts) and one line here. Saved connections, profiles,
 * `PEREGRINE_CONNECTIONS`, the connection manager's form and the dialog all go through the specs
 * listed here; nothing else knows which kinds exist. The paper broker is built by the engine
 * itself. A kind whose adapter does not exist yet is declared `available: false`.
 */
import type { AccountMode } from '../../../shared/domain';
import { binanceKind } from './binance/kind';
import { demoExchangeKind } from './demo-exchange/kind';
import type { ConnectionKindSpec } from './kind';
import { ordersRelayKind } from './orders-relay/kind';
import { portfolioStreamKind } from './portfolio-stream/kind';
import { realtimeKind } from './realtime/kind';
import { signalsKind } from './signals/kind';
import { tradovateKind } from './tradovate/kind';

export {
  checkEndpoints,
  endpointUrls,
  isLoopbackUrl,
  kindInfo,
  transportProblem,
  type ConnectionDeps,
  type ConnectionEntryConfig,
  type ConnectionKindSpec,
  type SecretLookup,
} from './kind';

const paperKind: ConnectionKindSpec = {
  kind: 'paper',
  title: 'Paper broker (built in)',
  available: true,
  builtIn: true,
  modes: ['paper'],
  defaultMode: 'paper',
  endpoints: [],
  secrets: [],
  options: [],
};

const notYet = (kind: string, title: string): ConnectionKindSpec => ({
  kind,
  title,
  available: false,
  unavailableReason: `The ${title} adapter is not available yet in this build.`,
  builtIn: false,
  modes: ['demo', 'live'],
  defaultMode: 'demo',
  endpoints: [],
  secrets: [],
  options: [],
});

export const connectionKinds: readonly ConnectionKindSpec[] = [
  paperKind,
  portfolioStreamKind,
  ordersRelayKind,
  signalsKind,
  realtimeKind,
  tradovateKind,
  notYet('alpaca', 'Alpaca'),
  binanceKind,
  demoExchangeKind, // the template kind: copy brokers/demo-exchange/ to add one
];

export function kindSpec(kind: string): ConnectionKindSpec | undefined {
  return connectionKinds.find((k) => k.kind === kind);
}

/**
 * The mode a connection has when its config names none: the kind's declared default (live for
 * gateways, so real money is never shown as paper). An unknown kind is treated as live too.
 */
export function defaultModeOf(kind: string): AccountMode {
  return kindSpec(kind)?.defaultMode ?? 'live';
}

/** The declared name of a secret a config calls `name` (its own name, or an alias of one). */
export function canonicalSecretName(spec: ConnectionKindSpec | undefined, name: string): string {
  return spec?.secrets.find((s) => s.name === name || s.aliases?.includes(name) === true)?.name ?? name;
}
