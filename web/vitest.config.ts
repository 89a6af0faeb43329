import { defineConfig } from 'vitest/config';

// The web app's unit tests (pure helpers), beside the code they test; run from the repository
// root with `npx vitest run --config web/vitest.config.ts`.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], root: import.meta.dirname } });
