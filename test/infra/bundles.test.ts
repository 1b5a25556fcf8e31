/**
 * Each function's bundle carries only what its function uses, although every handler builds its
 * dependencies through the one composition root: package.json declares our modules free of
 * import side effects (`sideEffects`), so esbuild leaves out what a function never calls. Built
 * as the stack builds them (esbuild, ESM, minified, the config embedded).
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../shared/config/load';

async function bundledPackages(fn: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [`functions/${fn}/handler.ts`],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    define: { __WEBHOOKS_CONFIG__: JSON.stringify(JSON.stringify(loadConfigFile('webhooks.config.json'))) },
    write: false,
    metafile: true,
    outfile: `${fn}.mjs`,
    logLevel: 'error',
  });
  const inputs = Object.keys(Object.values(result.metafile.outputs)[0]!.inputs);
  return new Set(inputs.flatMap((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? []));
}

describe('function bundles', () => {
  it('ingress carries neither the configuration parser (zod: the embedded config was validated at synth), the HTTP sender (undici), JSONata nor the Step Functions client', async () => {
    const packages = await bundledPackages('ingress');
    expect(packages).toContain('@aws-sdk/client-dynamodb');
    for (const unused of ['zod', 'undici', 'jsonata', '@aws-sdk/client-sfn']) expect(packages, unused).not.toContain(unused);
  });

  it('the stream carries no configuration parser (zod), queue, bucket or sender', async () => {
    const packages = await bundledPackages('stream');
    for (const unused of ['zod', 'undici', 'jsonata', '@aws-sdk/client-sqs', '@aws-sdk/client-s3', '@aws-lambda-powertools/parameters'])
      expect(packages, unused).not.toContain(unused);
  });

  it('the dispatcher carries the JSONata and Step Functions client it uses, and no HTTP library: it sends with node:http and node:https', async () => {
    const packages = await bundledPackages('dispatcher');
    for (const used of ['jsonata', '@aws-sdk/client-sfn']) expect(packages, used).toContain(used);
    expect(packages).not.toContain('undici');
    expect(await bundledPackages('deliver')).not.toContain('undici');
  });

  it('the reconciler carries DynamoDB and SQS only: no configuration parser, bucket, Step Functions client or sender', async () => {
    const packages = await bundledPackages('reconciler');
    for (const used of ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs']) expect(packages, used).toContain(used);
    for (const unused of ['zod', 'undici', 'jsonata', '@aws-sdk/client-s3', '@aws-sdk/client-sfn', '@aws-sdk/client-secrets-manager'])
      expect(packages, unused).not.toContain(unused);
  });

  it('only the processor carries the destinations clients (EventBridge, SNS, Lambda, STS), imported when first used', async () => {
    const destinationClients = ['@aws-sdk/client-eventbridge', '@aws-sdk/client-sns', '@aws-sdk/client-lambda', '@aws-sdk/client-sts'];
    const processor = await bundledPackages('processor');
    for (const used of destinationClients) expect(processor, used).toContain(used);
    const ingress = await bundledPackages('ingress');
    for (const unused of destinationClients) expect(ingress, unused).not.toContain(unused);
  });
});
