// The web console: a static build the gateway serves at /console (same origin as the API, so the
// console needs no CORS and its Content-Security-Policy can stay at 'self').
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  plugins: [react()],
  resolve: { alias: { '@ir/contracts': here('../../libs/contracts/src') } },
  build: {
    outDir: here('../../dist/console'),
    emptyOutDir: true,
    // The gateway's CSP forbids inline scripts and styles: nothing is inlined as a data: URL either.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://localhost:8216' } },
});
