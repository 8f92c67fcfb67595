import type { DatabaseEngine, DatabaseTarget, EngineName } from './engine.js';

/**
 * An engine whose implementation, and the driver it needs, is loaded on its first use: the MongoDB driver alone took
 * half of dbops's start-up, which every PostgreSQL run paid. `describe` is the one synchronous member, so it is given.
 */
export function lazyEngine(
  name: EngineName,
  describe: (target: DatabaseTarget) => string,
  load: () => Promise<DatabaseEngine>,
): DatabaseEngine {
  let loaded: Promise<DatabaseEngine> | undefined;
  const engine = () => (loaded ??= load());
  return {
    name,
    describe,
    withDumpSource: async (target, settings, context, use) =>
      (await engine()).withDumpSource(target, settings, context, use),
    openScratchServer: async (target, context) => (await engine()).openScratchServer(target, context),
    withRestoreTarget: async (target, context, use) => (await engine()).withRestoreTarget(target, context, use),
    // Optional members: present on the lazy engine, refused on first use when the loaded engine lacks them.
    restoreTarget: async (target, manifest, choice) => {
      const loadedEngine = await engine();
      if (!loadedEngine.restoreTarget) throw new Error(`${name} has no restore target choice`);
      return loadedEngine.restoreTarget(target, manifest, choice);
    },
    findRestorer: async (server, manifest, tools) => (await engine()).findRestorer(server, manifest, tools),
    checkRestored: async (into, manifest, checks, context, tombstones, restored) =>
      (await engine()).checkRestored(into, manifest, checks, context, tombstones, restored),
    readTombstones: async (target, manifest, context) => (await engine()).readTombstones(target, manifest, context),
    withHealthSession: async (target, context, use) => (await engine()).withHealthSession(target, context, use),
    withMaintenanceSession: async (target, context, use) => {
      const loadedEngine = await engine();
      if (!loadedEngine.withMaintenanceSession) throw new Error(`${name} has no maintenance session`);
      return loadedEngine.withMaintenanceSession(target, context, use);
    },
  };
}
