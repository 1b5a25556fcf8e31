import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';

// One Node.js everywhere: the major the functions run on in Lambda is the major this suite,
// `npm start` and the bench run on, and the one the package declares.
const root = join(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lambdaMajor = Number(/^nodejs(\d+)\.x$/.exec(Runtime.NODEJS_24_X.name)?.[1]);

describe('one Node.js everywhere', () => {
  // test/infra/stack.test.ts holds every synthesized function to this runtime (nodejs24.x, arm64).
  it('this test process runs on the major of the Lambda runtime the functions use', () => {
    expect(lambdaMajor).toBe(24);
    expect(Number(process.versions.node.split('.')[0])).toBe(lambdaMajor);
  });

  it('package.json, devEngines and .nvmrc name that major, and every bundled Node.js binary is of it', () => {
    expect(pkg.engines.node).toBe(`>=${lambdaMajor}`);
    expect(pkg.devEngines.runtime).toEqual({ name: 'node', version: `>=${lambdaMajor}`, onFail: 'ignore' });
    expect(readFileSync(join(root, '.nvmrc'), 'utf8').trim()).toBe(String(lambdaMajor));
    const binaries = Object.entries(pkg.optionalDependencies as Record<string, string>).filter(([name]) => /^node-(linux|darwin|win)-/.test(name));
    expect(binaries.length).toBeGreaterThanOrEqual(4);
    for (const [, version] of binaries) expect(version.split('.')[0]).toBe(String(lambdaMajor));
    expect(pkg.devDependencies['@types/node'].replace(/^[\^~]/, '').split('.')[0]).toBe(String(lambdaMajor));
  });
});
