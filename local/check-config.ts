/**
 * `npm run check:config [-- path] [--target aws|local]`: the validation that synth, local start
 * and cold start run, alone. Exit code 1 when the config is refused.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../shared/config/load';
import { reviewConfig } from '../shared/config/security';
import { LOCAL_VARIABLES } from '../shared/deployment/environment';
import { isEntryPoint } from './cli';

export function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { target: { type: 'string', default: 'aws' } } });
  const target = values.target === 'local' ? 'local' : 'aws';
  const path = positionals[0] ?? process.env[LOCAL_VARIABLES.configFile] ?? 'webhooks.config.json';
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    process.stderr.write(`cannot read ${path}: ${(error as Error).message}\n`);
    return 1;
  }
  for (const warning of reviewConfig(document, { target }).warnings) process.stdout.write(`warning: ${warning}\n`);
  try {
    const config = parseConfig(document, path, { target });
    process.stdout.write(`${path} is valid for ${target}: ${config.sources.length} source(s).\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (isEntryPoint(import.meta.url)) process.exitCode = main(process.argv.slice(2));
