export { buildProgram, type CliIo } from './program.js';
export { renderForTerminal } from './terminal-report.js';
