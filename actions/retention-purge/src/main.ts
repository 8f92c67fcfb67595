import { retentionPurgeDefinition } from '@dbops/core';
import { runAction } from '@dbops/github';

await runAction(retentionPurgeDefinition);
