/** What the command-line tools share: whether a module is the one node started, and their command line. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** Where a command writes its lines (standard output, unless a test collects them). */
export type Print = (line: string) => void;

export const printLine: Print = (line) => void process.stdout.write(`${line}\n`);

/** True when the module at `moduleUrl` is the script node was started with (not an import). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && path.resolve(entry) === fileURLToPath(moduleUrl);
}

/**
 * The command line parsed with `options` (node's `parseArgs`, `--help`/`-h` added), or the exit
 * code to end with once `print` has said why: 2 for a usage error (the error, then `usage`), 0
 * for `--help` (`usage`).
 *
 * @example
 * const parsed = commandLine(argv, { url: { type: 'string' } }, USAGE, print);
 * if (typeof parsed === 'number') return parsed;
 */
export function commandLine<O extends ParseArgsOptionsConfig, P extends boolean = false>(
  argv: string[],
  options: O,
  usage: string,
  print: Print,
  allowPositionals?: P,
): ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof HELP; allowPositionals: P }>> | number {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof HELP; allowPositionals: P }>>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, ...HELP }, allowPositionals: (allowPositionals ?? false) as P });
  } catch (error) {
    print(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    print(usage);
    return 0;
  }
  return parsed;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;
