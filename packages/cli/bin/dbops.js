#!/usr/bin/env node
// The `dbops` executable: a committed shim, so npm can link it before the TypeScript is built (`npm run build`).
await import('../lib/main.js');
