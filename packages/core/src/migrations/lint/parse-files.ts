/**
 * Migration files through PostgreSQL's parser, in a process of their own.
 *
 * Why a process: libpg-query's WebAssembly parser is huge, and after a few parses V8 recompiles its functions with
 * its optimizing compiler in the background. On Node 24 (the actions' runtime) that cost a 500-migration deploy 2.8 s
 * of CPU and 550 MB of memory (peak RSS 714 MB) for code a deploy hardly runs again. No V8 flag set at run time
 * stops it on Node 24 (v8.setFlagsFromString of the tiering flags has no effect there) and worker threads refuse V8
 * flags, so the parser runs in a child Node started with `--liftoff-only` (V8's baseline wasm compiler only).
 */
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnProcess } from '../../pipeline/child-process.js';
import type { ParsedFile } from './parse.js';

export const PARSER_PROCESS_FILE = 'sql-parser-process.js';

/** Each text parsed, in order. One process per call; none for no texts. */
export async function parseFiles(texts: string[], signal?: AbortSignal): Promise<ParsedFile[]> {
  if (texts.length === 0) return [];
  const parser = spawnProcess(process.execPath, ['--liftoff-only', parserProcessScript()], {
    ...(signal ? { signal } : {}),
    onFailure: (exit) =>
      new Error(
        `The SQL parser process (${PARSER_PROCESS_FILE}) ${exit.signal ? `was killed by ${exit.signal}` : `exited ${exit.code}`}` +
          (exit.stderr ? `: ${exit.stderr}` : ''),
      ),
  });
  // A parser that died before reading its input fails below with its exit and stderr, not with this pipe's EPIPE.
  parser.stdin!.on('error', () => undefined);
  parser.stdin!.end(JSON.stringify(texts));
  const chunks: Buffer[] = [];
  for await (const chunk of parser.output()) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ParsedFile[];
}

/**
 * The parser process's script lies beside this module: in packages/core/lib once compiled, and in a bundle's folder,
 * where scripts/ncc-bundle.mjs builds it. Tests run this module from its TypeScript source and use the compiled one.
 */
function parserProcessScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return join(dirname(here), PARSER_PROCESS_FILE);
  const src = here.lastIndexOf(`${sep}src${sep}`);
  return join(dirname(`${here.slice(0, src)}${sep}lib${sep}${here.slice(src + 5)}`), PARSER_PROCESS_FILE);
}
