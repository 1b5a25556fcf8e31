/**
 * One declaration per function, two runtimes: the synthesized template and the local runtime's
 * plan are both derived from shared/deployment/functions.ts, and here they are held together:
 * the same routes (with the same authorization and target function), the same timeouts and
 * memory, the same queue event sources and batch settings, and environments that both satisfy
 * the one contract the functions parse.
 */
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import type { GatewayFunction } from '../../infra/constructs/gateway-function';
import type { WebhookGatewayStack } from '../../infra/stack';
import { contextFor, localEnvironment, localPlan, type LocalPlan } from '../../local/plan';
import { loadConfigFile } from '../../shared/config/load';
import type { GatewayConfig } from '../../shared/config/schema';
import { anySourceAnswersGet } from '../../shared/signatures';
import { FUNCTION_NAMES, POWERTOOLS_VARIABLES, readEnvironment, VARIABLES, variableNames, type FunctionName } from '../../shared/deployment/environment';

let stack: WebhookGatewayStack;
let template: Template;
let plan: LocalPlan;
let config: GatewayConfig;
let deployed: Record<FunctionName, GatewayFunction>;

const logicalId = (scope: Stack, construct: { node: { defaultChild?: unknown } }) => scope.getLogicalId(construct.node.defaultChild as CfnResource);

beforeAll(() => {
  ({ stack } = buildApp('webhooks.config.json', new App({ context: { 'aws:cdk:bundling-stacks': [] } })));
  template = Template.fromStack(stack);
  config = loadConfigFile('webhooks.config.json', { target: 'local' });
  plan = localPlan(config);
  deployed = {
    ingress: stack.inbound.ingress,
    processor: stack.inbound.processor,
    api: stack.api,
    stream: stack.stream,
    dispatcher: stack.outbound.dispatcher,
    deliver: stack.outbound.deliver,
    reconciler: stack.inbound.reconciler,
  };
});

function lambdaOf(fn: FunctionName): Record<string, any> {
  return template.findResources('AWS::Lambda::Function')[logicalId(stack, deployed[fn].function)]!.Properties;
}

/** A queue and its dead-letter queue as the local resources name them. */
const queueNames = (name: string) => ({
  queueUrl: `http://127.0.0.1/${name}`,
  queueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
  deadLetterQueueUrl: `http://127.0.0.1/${name}-dlq`,
  deadLetterQueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}-dlq`,
});

describe('the template and the local runtime, from one declaration per function', () => {
  it('give every function the same timeout, memory and reserved concurrency (the deliver task gets its declared 30 s in both)', () => {
    expect(Object.keys(plan.functions).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const fn of FUNCTION_NAMES) {
      const declared = plan.functions[fn];
      expect(lambdaOf(fn), fn).toMatchObject({ Timeout: declared.timeoutSeconds, MemorySize: declared.memoryMiB, Handler: 'index.handler' });
      expect(lambdaOf(fn).ReservedConcurrentExecutions, fn).toBe(declared.reservedConcurrency);
      const context = contextFor(plan, fn);
      expect(context.memoryLimitInMB, fn).toBe(String(declared.memoryMiB));
      expect(Math.round(context.getRemainingTimeInMillis() / 1000), fn).toBe(declared.timeoutSeconds);
    }
    expect(lambdaOf('deliver').Timeout).toBe(30);
  });

  it('serve the same HTTP routes, with the same authorization, to the same functions', () => {
    const functionOfIntegration = (target: any): string => {
      const integrationId = target['Fn::Join'][1][1].Ref as string;
      return template.findResources('AWS::ApiGatewayV2::Integration')[integrationId]!.Properties.IntegrationUri['Fn::GetAtt'][0];
    };
    const inTemplate = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map(({ Properties: p }) => `${p.RouteKey} ${p.AuthorizationType} ${functionOfIntegration(p.Target)}`)
      .sort();
    const declaredAuth = (fn: FunctionName, path: string) => {
      const trigger = plan.functions[fn].trigger;
      return trigger.kind === 'http' ? trigger.routes.find((route) => route.path === path)!.auth : undefined;
    };
    const local = plan.routes
      .filter((route) => route.kind === 'lambda')
      .map(
        (route) =>
          `${route.method} ${route.path} ${declaredAuth(route.function, route.path) === 'iam' ? 'AWS_IAM' : 'NONE'} ${logicalId(stack, deployed[route.function].function)}`,
      )
      .sort();
    expect(inTemplate).toEqual(local);
    // The webhook route takes GET only where a source answers a GET challenge (X, Dropbox).
    expect(inTemplate.some((route) => route.startsWith('GET /webhooks/{source} NONE'))).toBe(anySourceAnswersGet(config.sources));
    expect(inTemplate.filter((route) => route.includes('AWS_IAM'))).toHaveLength(2);
  });

  it('serve the status stream as a response-streaming function URL in AWS, and on the same path of the local gateway', () => {
    const [url] = Object.values(template.findResources('AWS::Lambda::Url'));
    expect(url!.Properties).toMatchObject({
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalId(stack, stack.stream.function), 'Arn'] },
    });
    expect(plan.routes.filter((route) => route.kind === 'stream')).toEqual([{ method: 'GET', path: '/api/v1/stream', function: 'stream', kind: 'stream' }]);
  });

  it('drain the same queues with the same batch settings, maximum concurrency and partial batch responses', () => {
    const queueOf = { inbound: logicalId(stack, stack.inbound.queue), outbound: logicalId(stack, stack.outbound.queue) };
    const inTemplate = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
      .map(({ Properties: p }) => ({
        function: p.FunctionName.Ref as string,
        queue: p.EventSourceArn['Fn::GetAtt'][0] as string,
        batchSize: p.BatchSize as number,
        maxBatchingWindowSeconds: (p.MaximumBatchingWindowInSeconds as number | undefined) ?? 0,
        maximumConcurrency: p.ScalingConfig?.MaximumConcurrency as number,
        responses: p.FunctionResponseTypes,
      }))
      .sort((a, b) => a.function.localeCompare(b.function));
    const local = plan.eventSources
      .map((source) => ({
        function: logicalId(stack, deployed[source.function].function),
        queue: queueOf[source.queue],
        batchSize: source.batchSize,
        maxBatchingWindowSeconds: source.maxBatchingWindowSeconds,
        maximumConcurrency: source.maximumConcurrency,
        responses: ['ReportBatchItemFailures'],
      }))
      .sort((a, b) => a.function.localeCompare(b.function));
    expect(inTemplate).toEqual(local);
    expect(local.map((source) => source.queue).sort()).toEqual(Object.values(queueOf).sort());
  });

  it('run the same scheduled functions: an EventBridge rule at the declared rate in AWS, a timer locally', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'))
      .filter(({ Properties: p }) => typeof p.ScheduleExpression === 'string')
      .map(({ Properties: p }) => ({ function: p.Targets[0].Arn['Fn::GetAtt'][0] as string, expression: p.ScheduleExpression as string }));
    const declared = plan.schedules.map((schedule) => {
      const trigger = plan.functions[schedule.function].trigger;
      return {
        function: logicalId(stack, deployed[schedule.function].function),
        expression: trigger.kind === 'schedule' ? `rate(${trigger.rateMinutes} minutes)` : 'not a schedule',
      };
    });
    expect(rules).toEqual(declared);
    expect(plan.schedules).toEqual([{ function: 'reconciler', intervalSeconds: 30 }]);
  });

  it('write environments that the functions’ one parser accepts, with only the contract’s variables', () => {
    const names = {
      tableName: 'table',
      payloadBucket: 'bucket',
      inbound: queueNames('inbound'),
      outbound: queueNames('outbound'),
      retryStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:local',
      allowPrivateTargets: true,
    };
    const powertools = new Set<string>(Object.values(POWERTOOLS_VARIABLES));
    for (const fn of FUNCTION_NAMES) {
      const { required, optional } = variableNames(fn);
      // CDK tokens are text too; the values here only have to be well-formed (a JSON object for a `names` variable).
      const placeholder = (name: string) => (Object.values(VARIABLES).find((variable) => variable.name === name)?.kind === 'names' ? '{}' : 'token');
      const aws = Object.fromEntries(
        Object.entries(lambdaOf(fn).Environment.Variables as Record<string, unknown>).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : placeholder(name),
        ]),
      );
      const local = localEnvironment(fn, names);
      for (const [where, env] of [
        ['template', Object.fromEntries(Object.entries(aws).filter(([name]) => !powertools.has(name)))],
        ['local', local],
      ] as const) {
        expect(
          Object.keys(env).filter((name) => !required.includes(name) && !optional.includes(name)),
          `${fn} (${where}) variables outside the contract`,
        ).toEqual([]);
        expect(() => readEnvironment(fn, env), `${fn} (${where})`).not.toThrow();
      }
      expect(
        Object.keys(aws)
          .filter((name) => powertools.has(name))
          .sort(),
        fn,
      ).toEqual([POWERTOOLS_VARIABLES.logLevel, POWERTOOLS_VARIABLES.metricsNamespace, POWERTOOLS_VARIABLES.serviceName].sort());
    }
  });
});
