// The GitHub adapter: the only code that talks to the runner (workflow-commands.ts) or imports @actions/*.
export { runAction, runNamedAction } from './run-action.js';
export { githubRunContext } from './github-context.js';
export { ArtifactStorage, restArtifactLookup, type ArtifactApi, type ArtifactLookup } from './artifact-storage.js';
