// The GitHub adapter: the only code that imports @actions/*.
export { runAction, runNamedAction } from './run-action.js';
export { githubRunContext } from './github-context.js';
export { ArtifactStorage, restArtifactLookup, type ArtifactApi, type ArtifactLookup } from './artifact-storage.js';
