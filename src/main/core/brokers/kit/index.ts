/** The adapter kit: what every socket adapter needs, so a new broker is one folder of protocol. */
export * from './codecs';
export * from './connection';
export * from './frames';
export * from './gate';
export * from './instruments';
export * from './orders';
export * from './pending';
export * from './socket';
