// Builds the web app into dist/, which `custodian serve --web dist` serves at /. Everything the
// app needs is bundled: nothing is loaded from another origin at run time (no CDN, no web fonts,
// no map tiles).
import { defineConfig, type Plugin } from 'vite';
import { loadOutline } from './map/outline.ts';

/** `import outline from 'virtual:map-outline'`: the map's country outlines, extracted at build
 *  time from world-atlas's countries-50m.json (map/outline.ts), so that only the region the map
 *  shows is shipped (about 10 KB), in the map page's own chunk. */
function mapOutline(): Plugin {
  const id = 'virtual:map-outline';
  const resolved = `\0${id}`;
  return {
    name: 'custodian-map-outline',
    resolveId: (source) => (source === id ? resolved : null),
    load: (module) => (module === resolved ? `export default ${JSON.stringify(loadOutline())};\n` : null),
  };
}

export default defineConfig({
  base: './',
  plugins: [mapOutline()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One small bundle (the map page is a chunk of its own); inlining the stylesheet's assets
    // keeps dist/ self-contained.
    assetsInlineLimit: 8192,
  },
  server: {
    // `npm run dev` proxies the API to a running `custodian serve` (CUSTODIAN_URL).
    proxy: { '/api': process.env.CUSTODIAN_URL ?? 'http://127.0.0.1:8080' },
  },
});
