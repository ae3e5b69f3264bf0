export { type BuildServerOptions, buildServer, type ServerLimits, VERSION, type VigilServer } from './app.js';
export { LeaseKeeper, type LeaseKeeperOptions, SCHEDULER_LEASE } from './lease-keeper.js';
