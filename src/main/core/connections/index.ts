export { ConnectionManager, PAPER_ID, type ConnectionManagerOptions, type ManagedEngine } from './manager';
export { sessionFromEnv, sessionFromProfile, type SessionConnection } from './session';
export { tryConnection, TRIAL_TIMEOUT_MS } from './trial';
export { UnavailableConnection } from './unavailable';
export { openConnections, type OpenConnectionsOptions, type OpenedConnections } from './bootstrap';
