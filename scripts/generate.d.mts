import type { ActionDefinition } from '@dbops/core';
export const root: string;
export function actionEntry(definition: ActionDefinition): string;
export function actionYml(definition: ActionDefinition): string;
export function referenceDoc(definition: ActionDefinition): string;
export function generatedFiles(): Promise<Map<string, string>>;
