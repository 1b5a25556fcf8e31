/**
 * Starts `npm start` (local/start.ts) as a child process on a free port, as a user would, and
 * drives it over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../local/emulators';
import { LOCAL_VARIABLES } from '../../shared/deployment/environment';

// The runtime runs as `node --import tsx`, not under the tsx CLI: the CLI relays a signal by waiting
// 30 ms for its child to acknowledge it and then SIGKILLs the child (exit 143), which on a loaded
// machine turns a graceful SIGTERM into a kill.
const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;

export interface RuntimeProcess {
  readonly url: string;
  readonly port: number;
  readonly envFile: string;
  readonly output: () => string;
  /** SIGTERM, then waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startRuntimeProcess(options: { persistDir?: string; env?: Record<string, string>; envFile?: string } = {}): Promise<RuntimeProcess> {
  const port = await freePort();
  const envFile = options.envFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'gw-env-')), '.env.local');
  const child = spawn(
    NODE_TSX[0],
    [...NODE_TSX.slice(1), 'local/start.ts', '--port', String(port), ...(options.persistDir ? ['--persist', options.persistDir] : [])],
    {
      env: { ...process.env, [LOCAL_VARIABLES.envFile]: envFile, [LOCAL_VARIABLES.retrySchedule]: '1,1,1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  await waitForHealth(child, url, () => output);
  const runtime: RuntimeProcess = {
    url,
    port,
    envFile,
    output: () => output,
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
  };
  (runtime as { readyMs?: number }).readyMs = Date.now() - started;
  return runtime;
}

async function waitForHealth(child: ChildProcess, url: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`runtime exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`runtime not healthy in time:\n${output()}`);
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** Runs a CLI of ours (`npm run send`, `npm run redrive`) as a child process. */
export function runCli(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}
