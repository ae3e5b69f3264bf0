// Public surface of demo: what other modules use (created by restructure.mjs; review it).
export { demoPrototypeFolder } from './demo-labs.js';
export { seedDemoMonitors } from './demo-monitors.js';
export { seedDemo } from './demo-workspace.js';
