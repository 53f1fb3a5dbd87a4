export * from './backoff';
export * from './clock';
export * from './health';
export * from './link';
export * from './states';
export * from './supervisor';
export * from './config';
