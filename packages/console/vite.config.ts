import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Built into dist/app, beside the Node entry (dist/index.js) that tells the gateway where it is.
export default defineConfig({
  root: 'src/app',
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: '../../dist/app',
    emptyOutDir: true,
    // No inline scripts or data: URLs for the gateway's Content-Security-Policy to refuse.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
  },
});
