import { checkFreshnessDefinition } from '@dbops/core';
import { runAction } from '@dbops/github';

await runAction(checkFreshnessDefinition);
