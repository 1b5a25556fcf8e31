/**
 * Insecure configuration stops the synth with a message naming the source and the setting;
 * a good one synthesizes offline, bundling with esbuild (no Docker, no AWS account).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { ConfigError } from '../../shared/config/load';
import { powertoolsEnvironment, VARIABLES } from '../../shared/deployment/environment';
import { AWS_SETTINGS, functionEnvironment } from '../../shared/deployment/functions';

const shipped = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: Array<Record<string, unknown>>; outbound?: Record<string, unknown> };
const dir = mkdtempSync(path.join(tmpdir(), 'gw-config-'));
const out = path.join(dir, 'out');

function writeConfig(name: string, change: (document: typeof shipped) => void): string {
  const document = structuredClone(shipped);
  change(document);
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(document));
  return file;
}

function withSource(name: string, patch: Record<string, unknown>) {
  return (document: typeof shipped) => {
    document.sources = document.sources.map((source) => (source.name === name ? { ...source, ...patch } : source));
  };
}

const insecure: Array<[string, (document: typeof shipped) => void, RegExp]> = [
  ['verification switched off', withSource('github', { verify: false }), /sources\[1\] \("github"\)\.verify/],
  ['an inline secret', withSource('stripe', { secret: 'whsec_inline' }), /sources\[0\] \("stripe"\)\.secret: secrets must not be in the config file/],
  ['a tolerance of 0', withSource('slack', { toleranceSeconds: 0 }), /sources\[3\] \("slack"\)\.toleranceSeconds/],
  ['a tolerance over an hour', withSource('standard', { toleranceSeconds: 7200 }), /sources\[4\] \("standard"\)\.toleranceSeconds/],
  ['an empty retry schedule', (d) => (d.outbound = { retrySchedule: [] }), /outbound\.retrySchedule: must list at least one wait/],
  ['plain-http endpoints in AWS', (d) => (d.outbound = { requireHttps: false }), /outbound\.requireHttps/],
];

describe('synth refuses insecure configuration', () => {
  it.each(insecure)('%s', (_name, change, message) => {
    const file = writeConfig(_name.replace(/\W+/g, '-'), change);
    expect(() => buildApp(file, new App({ context: { 'aws:cdk:bundling-stacks': [] } }))).toThrow(ConfigError);
    expect(() => buildApp(file, new App({ context: { 'aws:cdk:bundling-stacks': [] } }))).toThrow(message);
  });

  it('`npx cdk synth -c config=…` exits non-zero and prints the problem', () => {
    const file = writeConfig('cli-verify-off', withSource('gitlab', { verify: false }));
    const result = spawnSync('npx', ['cdk', 'synth', '-q', '-c', `config=${file}`, '-o', path.join(dir, 'out-refused')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/sources\[7\] \("gitlab"\)\.verify: signature verification cannot be switched off/);
  });

  it('`npx cdk synth` of the shipped config succeeds offline, bundling every function with esbuild', () => {
    const result = spawnSync('npx', ['cdk', 'synth', '-q', '-o', out], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, AWS_REGION: 'us-east-1' },
    });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    const bundles = readdirSync(out).filter((entry) => entry.startsWith('asset.'));
    expect(bundles.length).toBeGreaterThanOrEqual(5);
    for (const bundle of bundles) {
      const files = readdirSync(path.join(out, bundle));
      if (files.includes('index.mjs')) expect(readFileSync(path.join(out, bundle, 'index.mjs'), 'utf8').length).toBeGreaterThan(10_000);
    }
  });

  it('the api bundle that synth built serves the console with a CSP allowing exactly its inline script and style', () => {
    const api = readdirSync(out)
      .filter((entry) => entry.startsWith('asset.') && existsSync(path.join(out, entry, 'index.mjs')))
      .map((entry) => path.join(out, entry, 'index.mjs'))
      .filter((file) => readFileSync(file, 'utf8').includes('Webhook gateway console'));
    expect(api).toHaveLength(1);
    // The bundle as Lambda runs it: imported in a fresh Node process, the handler called with a
    // payload v2 event. Serving the page touches no AWS service.
    const invoke = `
      const { handler } = await import(${JSON.stringify(api[0])});
      const event = { version: '2.0', routeKey: 'GET /console', rawPath: '/console', rawQueryString: '', headers: {}, isBase64Encoded: false,
        requestContext: { http: { method: 'GET', path: '/console', sourceIp: '127.0.0.1' }, domainName: 'example.test', requestId: 'r1' } };
      const context = { functionName: 'api', functionVersion: '1', memoryLimitInMB: '512', awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:api', getRemainingTimeInMillis: () => 10000 };
      process.stdout.write(JSON.stringify(await handler(event, context)));`;
    // The api function's environment as the stack writes it (placeholder names), Powertools silent.
    const names = {
      tableName: 't',
      payloadBucket: 'b',
      inboundQueueUrl: 'q',
      inboundQueueArn: 'qa',
      inboundDeadLetterQueueUrl: 'd',
      inboundDeadLetterQueueArn: 'da',
      outboundQueueUrl: 'o',
      outboundQueueArn: 'oa',
      outboundDeadLetterQueueUrl: 'od',
      outboundDeadLetterQueueArn: 'oda',
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_REGION: 'us-east-1',
      ...powertoolsEnvironment('webhooks', { logLevel: 'SILENT' }),
      ...functionEnvironment('api', names, AWS_SETTINGS),
    };
    delete env[VARIABLES.consolePagesFile.name];
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', invoke], { encoding: 'utf8', env, timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const response = JSON.parse(result.stdout) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(response.statusCode).toBe(200);
    const scripts = [...response.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    const styles = [...response.body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(response.body).not.toMatch(/<script\s+src|<link[^>]+stylesheet/);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    const csp = response.headers['content-security-policy']!;
    expect(csp).toContain(`script-src 'self' ${hash(scripts[0]!)};`);
    expect(csp).toContain(`style-src 'self' ${hash(styles[0]!)};`);
  });
});
