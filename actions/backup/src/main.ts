import { backupDefinition } from '@dbops/core';
import { runAction } from '@dbops/github';

await runAction(backupDefinition);
