// Vite 8 compiles TSX itself (Oxc); React's automatic JSX runtime needs no plugin.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  resolve: { alias: { '@app/contracts': here('../../libs/contracts/src/index.ts') } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    // The polyfill would be the only script not in a file of its own; every browser the app targets has modulepreload.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
  server: { proxy: { '/api': 'http://localhost:5000', '/socket.io': { target: 'ws://localhost:5000', ws: true } } },
});
