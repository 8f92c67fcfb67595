export const distDir: string;
export function bundle(): Promise<Map<string, string>>;
