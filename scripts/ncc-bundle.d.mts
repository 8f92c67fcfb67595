export function nccBundle(entry: string): Promise<Map<string, string | Buffer>>;
