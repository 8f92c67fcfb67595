import { runNamedAction } from '../dist/index.js'; await runNamedAction("restore-test");
