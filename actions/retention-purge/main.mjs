import { runNamedAction } from '../dist/index.js'; await runNamedAction("retention-purge");
