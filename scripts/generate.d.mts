import type { ActionDefinition } from '@dbops/core';
export function actionYml(definition: ActionDefinition): string;
export function referenceDoc(definition: ActionDefinition): string;
export function generatedFiles(): Promise<Map<string, string>>;
