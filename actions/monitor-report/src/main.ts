import { monitorReportDefinition } from '@dbops/core';
import { runAction } from '@dbops/github';

await runAction(monitorReportDefinition);
