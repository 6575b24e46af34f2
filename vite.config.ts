import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { compression } from 'vite-plugin-compression2';

/**
 * The client builds into dist/, which the server serves; in dev, API and socket calls go to the server on :3000.
 * Every asset is also written brotli- and gzip-compressed at their highest levels (.br, .gz beside it) once at build
 * time, for the server to send by content negotiation at no cost per request. The manifest maps each page to the
 * chunks it loads, for scripts/bundle-size.ts.
 */
export default defineConfig({
  root: 'client',
  plugins: [svelte(), compression({ algorithms: ['brotliCompress', 'gzip'], exclude: /manifest\.json$/, logLevel: 'silent' })],
  build: { outDir: '../dist', emptyOutDir: true, manifest: true },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
