import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** The client builds into dist/, which the server serves; in dev, API and socket calls go to the server on :3000. */
export default defineConfig({
  root: 'client',
  plugins: [svelte()],
  build: { outDir: '../dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
