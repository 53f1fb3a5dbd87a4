export { SignalsSim, type SignalsSimOptions } from './server';
