/**
 * `npm run build` (run by `npm pack` as `prepack`): the construct's JavaScript, one ESM file
 * (dist/index.js, every package import left to the installing app's node_modules), and its type
 * declarations (dist/types). The functions' TypeScript sources ship as they are: NodejsFunction
 * bundles them with esbuild at the app's synth, as in this repository.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { PACKAGE_ROOT } from '../shared/deployment/package-root';

const dist = path.join(PACKAGE_ROOT, 'dist');
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [path.join(PACKAGE_ROOT, 'infra/index.ts')],
  outfile: path.join(dist, 'index.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  logLevel: 'warning',
});
execFileSync(path.join(PACKAGE_ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(PACKAGE_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
process.stdout.write(`built ${path.relative(process.cwd(), dist)}/index.js and ${path.relative(process.cwd(), dist)}/types\n`);
