export { ConnectionManager, PAPER_ID, type ConnectionManagerOptions, type ManagedEngine } from './manager';
export { sessionFromProfile, type SessionConnection } from './session';
export { tryConnection, TRIAL_TIMEOUT_MS } from './trial';
export { UnavailableConnection } from './unavailable';
export { RedactedConnection } from './redacted';
export {
  ALLOWED_ORIGINS_VARIABLE,
  allowListConfirmation,
  allowedOriginsFromEnv,
  type ConfirmNewOrigin,
  type NewOriginRequest,
} from './confirm';
export { openConnections, type OpenConnectionsOptions, type OpenedConnections } from './bootstrap';
