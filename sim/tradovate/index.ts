export * from './book';
export * from './codec';
export * from './contracts';
export * from './server';
