/**
 * `npm start`: the whole gateway on this machine, no AWS account and no Docker.
 *
 *   npm start                         # in memory, port 3000
 *   npm start -- --port 4000 --persist .local-data
 *
 * Env (names in shared/deployment/environment.ts): PORT, WEBHOOKS_CONFIG (config path),
 * WEBHOOKS_PERSIST_DIR (same as --persist), WEBHOOK_SECRET_<NAME> (a source's secret(s),
 * comma-separated), WEBHOOKS_ENV_FILE (where generated secrets are kept, default .env.local),
 * DELIVERY_RETRY_SCHEDULE (e.g. `1,2,5`: compressed retry waits, reviewed like the config's),
 * WEBHOOK_ALLOW_PRIVATE_TARGETS (`false` refuses loopback receivers, as in AWS).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config/load';
import { LOCAL_VARIABLES } from '../shared/deployment/environment';
import { startRuntime } from './runtime';

async function main(): Promise<void> {
  // npm scripts run the Node.js 24 that `npm install` put in node_modules/.bin (package `node-<os>-<cpu>`).
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24)
    throw new Error(
      `Node.js 24 is required, this is ${process.version}: run through npm (npm start), which uses node_modules/.bin/node, or install Node.js 24`,
    );
  const { values } = parseArgs({
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      persist: { type: 'string' },
      config: { type: 'string', short: 'c' },
    },
  });
  const env = process.env;
  const port = Number(values.port ?? env[LOCAL_VARIABLES.port] ?? 3000);
  const configPath = values.config ?? env[LOCAL_VARIABLES.configFile] ?? 'webhooks.config.json';
  const persistDir = values.persist ?? env[LOCAL_VARIABLES.persistDir];
  const retrySchedule = env[LOCAL_VARIABLES.retrySchedule];
  const allowPrivate = env[LOCAL_VARIABLES.allowPrivateTargets];
  const started = Date.now();
  const print = (line: string) => process.stdout.write(`${line}\n`);

  const runtime = await startRuntime({
    port,
    ...(values.host ? { host: values.host } : {}),
    configPath,
    ...(persistDir ? { persistDir } : {}),
    envFile: env[LOCAL_VARIABLES.envFile] ?? '.env.local',
    ...(retrySchedule ? { retrySchedule } : {}),
    ...(allowPrivate === undefined ? {} : { allowPrivateTargets: allowPrivate !== 'false' }),
    secretEnvironment: env,
    log: (line) => print(`  · ${line}`),
  });

  const width = Math.max(...runtime.config.sources.map((s) => s.name.length));
  print('');
  print(`Webhook gateway running locally in ${((Date.now() - started) / 1000).toFixed(1)} s on Node.js ${process.version} — no AWS account needed.`);
  print(`  Health:        ${runtime.url}/health`);
  print(`  API:           ${runtime.url}/api/v1`);
  print(`  Data:          ${persistDir ? `persisted in ${persistDir}` : 'in memory (use --persist DIR to keep it)'}`);
  print('  Send webhooks to:');
  for (const source of runtime.config.sources) {
    print(`    ${source.name.padEnd(width)}  POST ${runtime.url}/webhooks/${source.name}   (${source.provider})`);
  }
  if (runtime.generatedSecrets.length) {
    print('  Generated signing secrets (saved to .env.local, shown once):');
    for (const { name, secret } of runtime.generatedSecrets) print(`    ${name}=${secret}`);
  }
  print(`  Try it:        npm run send -- ${runtime.config.sources[0]!.name}`);
  print('  Stop:          Ctrl-C (drains in-flight batches)');
  print('');

  // Ctrl-C reaches npm and this process at once (npm relays it too): signals within a
  // second of the first are the same request; one later than that forces the exit.
  let firstSignalAt: number | undefined;
  const shutdown = (signal: string) => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < 1000) return;
      print('forced exit');
      process.exit(130);
    }
    firstSignalAt = Date.now();
    print(`${signal}: draining in-flight batches and stopping…`);
    runtime.stop().then(
      () => {
        print('stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`stop failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`\n${error.message}\n\n`);
  else process.stderr.write(`\nCould not start: ${(error as Error).stack ?? String(error)}\n\n`);
  process.exit(1);
});
