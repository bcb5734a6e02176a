import { defineConfig } from 'vitest/config';

// vite's default server conditions, after ours.
const conditions = ['ballot-source', 'module', 'node', 'development|production'];

export default defineConfig({
  // Tests run the TypeScript sources: `import ... from 'ballot'` in test fixtures resolves to src/ (the
  // "ballot-source" export condition), not to a compiled dist/ that may be stale or not built.
  resolve: { conditions: conditions },
  ssr: { resolve: { conditions: conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
