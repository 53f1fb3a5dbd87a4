export { cryptoSymbols, RealtimeSim, type RealtimeSimOptions } from './server';
