import { defineConfig } from 'vite';

// The dashboard is a static build served by `vigil serve` (src/server/static.ts). A relative base
// and hash routing keep it working when Vigil sits behind a proxy under a path prefix.
export default defineConfig({
  root: 'web',
  base: './',
  publicDir: false,
  // Vite 8 transforms with Oxc; its `esbuild` option is deprecated and only converted to this.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every browser that runs ES2022 has modulepreload; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite` for development against a running `vigil serve` on its default port.
    proxy: {
      '/v1': 'http://127.0.0.1:7420',
      '/openapi.json': 'http://127.0.0.1:7420',
      '/healthz': 'http://127.0.0.1:7420',
    },
  },
});
