import fc from 'fast-check';

// Property tests run with a fixed seed so CI is deterministic; set FC_SEED to explore others
// locally (a failure prints its seed and path, and becomes a regression test).
fc.configureGlobal({ seed: Number(process.env['FC_SEED'] ?? 20261129) });
