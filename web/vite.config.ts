import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves web/dist at "/" and the API under "/api" on the same origin; in development
// the dev server proxies /api to a running `loyalty-import serve` (LOYALTY_API, default :8099).
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': process.env.LOYALTY_API ?? 'http://127.0.0.1:8099' } },
});
