import { definition } from '@dbops/core';
import { runAction } from '@dbops/github';

await runAction(definition('retention-purge'));
