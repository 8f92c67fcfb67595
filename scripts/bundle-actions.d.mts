export function bundledActions(): Promise<string[]>;
export function bundleAction(name: string): Promise<Map<string, string>>;
