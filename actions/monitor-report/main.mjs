import { runNamedAction } from '../dist/index.js'; await runNamedAction("monitor-report");
