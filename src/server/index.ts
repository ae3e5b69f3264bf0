export { type BuildServerOptions, buildServer, type ServerLimits, VERSION, type VigilServer } from './app.js';
