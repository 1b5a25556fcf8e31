/**
 * The CDK app. The configuration is validated here, at synth: an invalid or insecure config
 * stops the synth with a message naming the problem.
 *
 *   npx cdk synth                          # webhooks.config.json
 *   npx cdk synth -c config=other.json     # another file
 */
import path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, parseConfig } from '../shared/config/load';
import { PROJECT_ROOT } from './constructs/gateway-function';
import { loadConfigDocument as loadConfig } from './gateway';
import { WebhookGatewayStack } from './stack';
import { acknowledgeFindings } from './nag-acknowledgements';

/** Reads a config file, relative to this repository. */
export function loadConfigDocument(configPath: string): unknown {
  return loadConfig(configPath, PROJECT_ROOT);
}

/** The stack's name: `-c stackName=…` when given (a second stack in the same account and region), else from the service. */
export function stackNameFor(service: string, app: App): string {
  const fromContext = app.node.tryGetContext('stackName') as unknown;
  if (typeof fromContext === 'string' && fromContext.length) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(fromContext))
      throw new ConfigError(`stackName "${fromContext}": a CloudFormation stack name is letters, digits and "-", starting with a letter, at most 128`);
    return fromContext;
  }
  return `${service[0]!.toUpperCase()}${service.slice(1)}Gateway`;
}

/** Builds the app for a config file; `npx cdk synth` and the template tests both use this. */
export function buildApp(configPath: string, app = new App()): { app: App; stack: WebhookGatewayStack } {
  const configDocument = loadConfigDocument(configPath);
  const config = parseConfig(configDocument, configPath);
  const stack = new WebhookGatewayStack(app, stackNameFor(config.service, app), {
    config: configDocument as object,
    description: 'Serverless webhook gateway: verified inbound webhooks, signed outbound deliveries',
  });
  acknowledgeFindings(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(PROJECT_ROOT, 'infra', 'app.ts');
if (isMain) {
  const app = new App();
  const configPath = (app.node.tryGetContext('config') as string | undefined) ?? 'webhooks.config.json';
  try {
    buildApp(configPath, app);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`\n${error.message}\n\n`);
      process.exit(1);
    }
    throw error;
  }
  app.synth();
}
