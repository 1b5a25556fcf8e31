/**
 * The API description stays valid and lint-clean: `redocly lint openapi.yaml` (the
 * `lint:openapi` script, with redocly.yaml) must exit 0, so `npm test` enforces it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function lint(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'node_modules/.bin/redocly',
      ['lint', 'openapi.yaml', '--format', 'stylish'],
      {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('openapi.yaml', () => {
  it('passes redocly lint with neither errors nor warnings', async () => {
    const { code, output } = await lint();
    expect(code, output).toBe(0);
    // stylish format: one `<line>:<col>  warning  <rule>  <message>` line per warning.
    expect(output).not.toMatch(/^\s+\d+:\d+\s+warning\s/m);
  }, 60_000);
});
