// core: pure statistics with no I/O. Other modules import from here, not from core's files.
export * from './metrics/index.js';
export * from './stats/index.js';
export * from './timeseries/index.js';
