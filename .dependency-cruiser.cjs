// The import rules of docs/architecture.md (Layers), checked by `npm run check:imports`.

// Issue 13: these operations still import databases/postgres/ directly, until the engine interface replaces those
// imports. Remove a file from this list when it stops; the rule below then keeps it that way.
const OPERATIONS_STILL_IMPORTING_POSTGRES = ['backup.ts', 'restore.ts', 'restore-test.ts', 'monitor-report.ts'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other in a circle: neither can be read, tested or loaded without the other.',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    {
      name: 'operations-only-through-engine-interface',
      severity: 'error',
      comment: 'Operations talk to databases only through the engine interface, never to databases/postgres/ directly.',
      from: {
        path: '^packages/core/src/operations/',
        pathNot: OPERATIONS_STILL_IMPORTING_POSTGRES.map((file) => `^packages/core/src/operations/${file.replace(/\./g, '\\.')}$`),
      },
      to: { path: '^packages/core/src/databases/postgres/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|lib|node_modules)/' },
    // Type-only imports count: a circle of types is still a circle to read.
    tsPreCompilationDeps: true,
  },
};
