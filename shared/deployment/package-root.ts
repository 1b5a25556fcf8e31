/**
 * Where this package's sources are: this repository, or the installed package
 * (`node_modules/aws-webhook-gateway`), whichever file asks (a source module, or the built
 * `dist/index.js`). The function entries are bundled from there at synth.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder above `from` holding the functions' sources and a package.json. */
export function packageRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'functions', 'processor', 'handler.ts'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no webhook gateway package above ${from}`);
    dir = up;
  }
}

export const PACKAGE_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
