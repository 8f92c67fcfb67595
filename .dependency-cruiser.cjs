// The import rules of docs/architecture.md (Layers), checked by `npm run check:imports`.

// Operations that still import databases/postgres/ directly: none since the engine interface (issue 13). Keep it
// empty; the rule below keeps every other operation to databases/engine.ts and databases/index.ts.
const OPERATIONS_STILL_IMPORTING_POSTGRES = [];

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
        pathNot: OPERATIONS_STILL_IMPORTING_POSTGRES.map(
          (file) => `^packages/core/src/operations/${file.replace(/\./g, '\\.')}$`,
        ),
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
