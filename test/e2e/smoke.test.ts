/**
 * `npm run smoke -- --local` against the local runtime started as `npm start` would be: a
 * signed sample per configured source followed to `processed`, and with `--outbound-url` a
 * temporary endpoint on a receiver, a delivery, and the endpoint deleted; one table row per
 * check, exit 0. A wrong secret makes its checks fail and the command exit non-zero.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../shared/config/load';
import { runCli, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';
import { Receiver } from '../support/receiver';

let runtime: RuntimeProcess;
const receiver = new Receiver();
const sources = loadConfigFile('webhooks.config.json').sources.map((source) => source.name);

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
  await runtime?.stop();
});

describe('npm run smoke -- --local', () => {
  it('passes every check, one row each, and leaves no endpoint behind', async () => {
    const { code, output } = await runCli('local/smoke.ts', ['--local', '--outbound-url', receiver.url('/smoke'), '--timeout', '30'], {
      PORT: String(runtime.port),
      WEBHOOKS_ENV_FILE: runtime.envFile,
    });
    expect(code, output).toBe(0);
    const table = output.slice(output.indexOf('CHECK'));
    const rows = table.split('\n').filter((line) => / (ok|FAILED) /.test(line));
    expect(rows).toHaveLength(sources.length * 2 + 3);
    for (const source of sources) {
      expect(table).toMatch(new RegExp(`^${source}: signed \\w+ sample accepted +ok `, 'm'));
      expect(table).toMatch(new RegExp(`^${source}: event processed +ok .*processed after`, 'm'));
    }
    expect(table).toMatch(/^outbound: message delivered +ok .*delivered \(HTTP 200\)/m);
    expect(output).toMatch(/all \d+ checks passed/);
    expect(receiver.received('/smoke')).toHaveLength(1);
    const endpoints = (await (await fetch(`${runtime.url}/api/v1/endpoints`)).json()) as { endpoints: unknown[] };
    expect(endpoints.endpoints).toEqual([]);
  });

  it('fails, non-zero, when a source is signed with the wrong secret', async () => {
    // Two of the runtime's sources are enough to see one fail and the other pass.
    const shipped = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: Array<{ name: string }> };
    const subset = path.join(mkdtempSync(path.join(tmpdir(), 'gw-smoke-')), 'two-sources.json');
    writeFileSync(subset, JSON.stringify({ ...shipped, sources: shipped.sources.filter((source) => source.name === 'stripe' || source.name === 'github') }));
    const { code, output } = await runCli('local/smoke.ts', ['--local', '--timeout', '10', '--config', subset], {
      PORT: String(runtime.port),
      WEBHOOKS_ENV_FILE: runtime.envFile,
      WEBHOOK_SECRET_GITHUB: 'not-the-secret',
    });
    expect(code, output).toBe(1);
    expect(output).toMatch(/^github: signed github sample accepted +FAILED .*POST answered 401/m);
    expect(output).toMatch(/^github: event processed +FAILED .*not sent/m);
    expect(output).toMatch(/^stripe: event processed +ok/m);
    expect(output).toMatch(/2 of 4 check\(s\) FAILED/);
  });

  it('refuses to guess which gateway to test', async () => {
    const { code, output } = await runCli('local/smoke.ts', [], {});
    expect(code).toBe(2);
    expect(output).toMatch(/give --stack NAME \(a deployed stack\) or --local/);
  });
});
