export * from './book';
export * from './server';
