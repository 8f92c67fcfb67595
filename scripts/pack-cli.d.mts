export function cliPackageFiles(): Promise<Map<string, string | Buffer>>;
export function packCli(destination: string): Promise<string>;
