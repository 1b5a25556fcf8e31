/**
 * Insecure configuration stops the synth with a message naming the source and the setting;
 * a good one synthesizes offline, bundling with esbuild (no Docker, no AWS account).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { ConfigError } from '../../shared/config/load';

const shipped = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: Array<Record<string, unknown>>; outbound?: Record<string, unknown> };
const dir = mkdtempSync(path.join(tmpdir(), 'gw-config-'));

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
    const result = spawnSync('npx', ['cdk', 'synth', '-q', '-c', `config=${file}`, '-o', path.join(dir, 'out-refused')], { encoding: 'utf8', timeout: 120_000 });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/sources\[7\] \("gitlab"\)\.verify: signature verification cannot be switched off/);
  });

  it('`npx cdk synth` of the shipped config succeeds offline, bundling every function with esbuild', () => {
    const out = path.join(dir, 'out');
    const result = spawnSync('npx', ['cdk', 'synth', '-q', '-o', out], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, AWS_REGION: 'us-east-1' } });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    const bundles = readdirSync(out).filter((entry) => entry.startsWith('asset.'));
    expect(bundles.length).toBeGreaterThanOrEqual(5);
    for (const bundle of bundles) {
      const files = readdirSync(path.join(out, bundle));
      if (files.includes('index.mjs')) expect(readFileSync(path.join(out, bundle, 'index.mjs'), 'utf8').length).toBeGreaterThan(10_000);
    }
  });
});
