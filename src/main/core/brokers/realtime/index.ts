export { RealtimeAdapter, type RealtimeLinkOptions } from './adapter';
export { RealtimeConfig, RealtimeConnection } from './connection';
