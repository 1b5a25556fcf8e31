/**
 * The package as an app installs it: `npm pack` (which builds dist/ first), the tarball unpacked
 * into a fresh CDK app in a temp folder as npm installs a tarball dependency, its other
 * dependencies (aws-cdk-lib, constructs, the SDK, esbuild…) this repository's node_modules linked
 * in (offline: nothing is downloaded), and the app synthesized with the real bundling of every
 * function from the installed package's sources.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve('.');
const BIN = path.join(ROOT, 'node_modules/.bin');
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}` };

const APP = `
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { WebhookGateway } from 'aws-webhook-gateway';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'ConsumerStack', { env: { account: '123456789012', region: 'eu-west-1' } });
const orders = new Queue(stack, 'Orders');
const gateway = new WebhookGateway(stack, 'Webhooks', {
  config: 'webhooks.config.json',
  destinations: { github: [{ queue: orders }] },
});
new CfnOutput(stack, 'ForMyApp', { value: gateway.webhooksUrl });
new CfnOutput(stack, 'InboundQueue', { value: gateway.inboundQueue.queueUrl });
app.synth();
`;

describe('the npm package', () => {
  it('packs, installs into a fresh CDK app offline, and synthesizes the gateway there', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'gw-package-'));
    const packed = execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: ROOT, env, encoding: 'utf8' }).trim().split('\n').pop()!;
    const tarball = path.join(work, packed);
    expect(existsSync(tarball)).toBe(true);

    const app = path.join(work, 'app');
    const modules = path.join(app, 'node_modules');
    mkdirSync(modules, { recursive: true });
    const installed = path.join(modules, 'aws-webhook-gateway');
    mkdirSync(installed);
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
      // node_modules/.bin too: npm links its dependencies' commands there (esbuild's among them).
      if (entry === '.package-lock.json' || entry === 'aws-webhook-gateway') continue;
      symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
    }
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { 'aws-webhook-gateway': `file:${tarball}` } }),
    );
    writeFileSync(path.join(app, 'webhooks.config.json'), JSON.stringify({ sources: [{ name: 'github', provider: 'github' }] }));
    writeFileSync(path.join(app, 'app.mjs'), APP);

    // What the package ships: the built entry and types, the function sources; no tests, no local runtime.
    expect(existsSync(path.join(installed, 'dist/index.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist/types/infra/index.d.ts'))).toBe(true);
    expect(existsSync(path.join(installed, 'functions/processor/handler.ts'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(installed, 'schemas/destination-event.v1.json'), 'utf8'))).toMatchObject({ version: '1' });
    expect(existsSync(path.join(installed, 'test'))).toBe(false);
    expect(existsSync(path.join(installed, 'local'))).toBe(false);

    execFileSync(path.join(BIN, 'node'), ['app.mjs'], { cwd: app, env, stdio: 'pipe' });
    const template = JSON.parse(readFileSync(path.join(app, 'cdk.out/ConsumerStack.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
      Outputs: Record<string, unknown>;
    };
    const functions = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id.replace(/Function[0-9A-F]{8}$/, '')).sort()).toEqual(
      [
        'WebhooksApi',
        'WebhooksInboundIngress',
        'WebhooksInboundProcessor',
        'WebhooksInboundReconciler',
        'WebhooksOutboundDeliver',
        'WebhooksOutboundDispatcher',
        'WebhooksStream',
      ].sort(),
    );
    // Each function bundled from the installed package's sources.
    for (const [, fn] of functions) {
      const asset = path.join(app, 'cdk.out', `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(existsSync(path.join(asset, 'index.mjs')), asset).toBe(true);
    }
    // The app's own queue as a destination: the processor may send to it, and learns it from its environment.
    const processor = functions.find(([id]) => id.startsWith('WebhooksInboundProcessor'))![1];
    const destinations = JSON.stringify(processor.Properties.Environment.Variables.SOURCE_DESTINATIONS);
    expect(destinations).toContain('queueArn');
    expect(destinations).toMatch(/\{"Fn::GetAtt":\["Orders[0-9A-F]{8}","Arn"\]\}/);
    const grants = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>);
    expect(grants).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Orders/), 'Arn'] } }),
    );
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['ForMyApp', 'InboundQueue']));
  }, 120_000);
});
