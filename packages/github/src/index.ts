// The GitHub adapter: the only code that imports @actions/*.
export { runAction } from './run-action.js';
export { githubRunContext } from './github-context.js';
