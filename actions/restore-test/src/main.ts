import { restoreTestDefinition } from '@dbops/core';
import { runAction } from '@dbops/github';

await runAction(restoreTestDefinition);
