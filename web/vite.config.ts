// Builds the web app into dist/, which `custodian serve --web dist` serves at /. Everything the
// app needs is bundled: nothing is loaded from another origin at run time (no CDN, no web fonts).
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small bundle; inlining the stylesheet's assets keeps dist/ self-contained.
    assetsInlineLimit: 8192,
  },
  server: {
    // `npm run dev` proxies the API to a running `custodian serve` (CUSTODIAN_URL).
    proxy: { '/api': process.env.CUSTODIAN_URL ?? 'http://127.0.0.1:8080' },
  },
});
