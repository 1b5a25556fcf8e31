/**
 * A Lambda function of the gateway, built from its declaration (shared/deployment/functions.ts):
 * entry, handler, memory, timeout and queue event source as declared; its environment written
 * through the contract (shared/deployment/environment.ts). Node.js 24 on arm64, bundled and
 * minified by esbuild (no Docker), the AWS SDK bundled (pinned versions, tree-shaken), the
 * validated configuration embedded at synth, its own log group with retention, and a role
 * holding only what it is granted.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { powertoolsEnvironment } from '../../shared/deployment/environment';
import { PACKAGE_ROOT } from '../../shared/deployment/package-root';
import type { FunctionDeclaration } from '../../shared/deployment/functions';

/** This repository, or the installed package: where the function entries are bundled from. */
export const PROJECT_ROOT = PACKAGE_ROOT;

/**
 * Where esbuild runs: this repository, or, for an installed package
 * (`<app>/node_modules/aws-webhook-gateway`), the app's folder, whose node_modules/.bin holds the
 * esbuild that NodejsFunction runs (`npx --no-install esbuild`) and that contains the entries.
 */
const BUNDLING_ROOT = PROJECT_ROOT.includes(`${path.sep}node_modules${path.sep}`)
  ? PROJECT_ROOT.slice(0, PROJECT_ROOT.indexOf(`${path.sep}node_modules${path.sep}`))
  : PROJECT_ROOT;

/**
 * NodejsFunction wants a lock file only to pick the package manager (npm unless its name says
 * pnpm, yarn or bun; nothing is installed: everything is bundled). npm never packs
 * package-lock.json, so without one the package.json stands in.
 */
const LOCK_FILE = ['pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'package-lock.json', 'package.json']
  .map((file) => path.join(BUNDLING_ROOT, file))
  .find((file) => existsSync(file))!;

export interface GatewayFunctionProps {
  readonly declaration: FunctionDeclaration;
  /** The config file's JSON document, embedded in the bundle and validated at cold start. */
  readonly configDocument: unknown;
  readonly service: string;
  /** Its variables, as `functionEnvironment` writes them. */
  readonly environment: Record<string, string>;
  /** Lambda active tracing (X-Ray). */
  readonly tracing?: boolean;
  /** More esbuild `define` replacements (identifier → JavaScript expression), e.g. built pages. */
  readonly define?: Record<string, string>;
}

export class GatewayFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly declaration: FunctionDeclaration;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    const { declaration } = props;
    this.declaration = declaration;
    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.service} ${declaration.name} function`,
    });
    // Instead of AWSLambdaBasicExecutionRole (any log group): only this function's own.
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, declaration.entry),
      handler: declaration.handler,
      projectRoot: BUNDLING_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: declaration.memoryMiB,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      // JSON logs; the platform's START/END/REPORT lines only at WARN (they cost ingestion on every invoke).
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: SystemLogLevel.WARN,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      tracing: props.tracing === false ? Tracing.DISABLED : Tracing.ACTIVE,
      ...(declaration.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: declaration.reservedConcurrency } : {}),
      environment: { ...powertoolsEnvironment(props.service, { logLevel: 'INFO' }), ...props.environment },
      bundling: {
        minify: true,
        sourceMap: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        bundleAwsSDK: true,
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        define: { __WEBHOOKS_CONFIG__: JSON.stringify(JSON.stringify(props.configDocument)), ...props.define },
        logLevel: LogLevel.ERROR,
      },
    });
    this.function.node.addDependency(this.logGroup);
  }

  /** Grants the function's role `actions` on `resources`, and nothing more. */
  allow(actions: string[], resources: string[]): this {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    return this;
  }

  /** Drains `queue` as declared: the declaration's batch size, window and maximum concurrency, partial batch responses. */
  consume(queue: IQueue): void {
    const { trigger } = this.declaration;
    if (trigger.kind !== 'queue') throw new Error(`${this.declaration.name} is not declared as a queue consumer`);
    this.function.addEventSource(
      new SqsEventSource(queue, {
        batchSize: trigger.batchSize,
        ...(trigger.maxBatchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds) } : {}),
        reportBatchItemFailures: trigger.reportBatchItemFailures,
        maxConcurrency: trigger.maximumConcurrency,
      }),
    );
  }
}
