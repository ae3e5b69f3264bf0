// core: pure statistics with no I/O. Other modules import from here, not from core's files.

export * from './compare/index.js';
export * from './drift/index.js';
export * from './estimation/index.js';
export * from './fairness/index.js';
export * from './forecast/index.js';
export * from './metrics/index.js';
export * from './quality/index.js';
export * from './stats/index.js';
export * from './timeseries/index.js';
