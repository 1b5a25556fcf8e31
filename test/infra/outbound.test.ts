/**
 * Template assertions for the sending side: the retry state machine, the dispatcher and the
 * outbound queue.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../infra/app';
import { ABANDONED_ERROR, RETRY_STATES } from '../../shared/outbound/retry-state-machine';

let template: Template;
let stackName: string;

beforeAll(() => {
  const { stack } = buildApp('webhooks.config.json', new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  stackName = stack.stackName;
  template = Template.fromStack(stack);
});

function definitionOf(): Record<string, any> {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const body = machine!.Properties.DefinitionString;
  // The definition is a Fn::Join of literal JSON around the deliver function's ARN.
  const parts = (body['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : '"DELIVER_ARN"'));
  return JSON.parse(parts.join('').replaceAll('""DELIVER_ARN""', '"DELIVER_ARN"'));
}

describe('retry state machine', () => {
  it('is a Standard state machine logging every event (without execution data) and traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('waits the seconds the deliver task asks for, attempts, and loops on "retry"', () => {
    const definition = definitionOf();
    expect(definition.StartAt).toBe(RETRY_STATES.wait);
    expect(definition.States[RETRY_STATES.wait]).toEqual({ Type: 'Wait', SecondsPath: '$.waitSeconds', Next: RETRY_STATES.attempt });
    expect(definition.States[RETRY_STATES.attempt]).toMatchObject({ Type: 'Task', Resource: 'DELIVER_ARN', Next: RETRY_STATES.decide });
    expect(definition.States[RETRY_STATES.decide].Choices).toEqual([{ Variable: '$.outcome', StringEquals: 'retry', Next: RETRY_STATES.wait }]);
  });

  it('bounds each attempt in time and hands any failure left after the retries to RecordFailure (the deliver function), then fails', () => {
    const definition = definitionOf();
    const attempt = definition.States[RETRY_STATES.attempt];
    // Longer than the deliver function's own timeout (outbound.timeoutSeconds 15 + 15 s).
    const deliver = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('OutboundDeliver'))![1];
    expect(attempt.TimeoutSeconds).toBeGreaterThan(deliver.Properties.Timeout);
    expect(attempt.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: RETRY_STATES.recordFailure }]);
    expect(definition.States[RETRY_STATES.recordFailure]).toMatchObject({
      Type: 'Task',
      Resource: 'DELIVER_ARN',
      Parameters: { kind: 'abandon', 'messageId.$': '$.messageId', 'endpointId.$': '$.endpointId', 'failure.$': '$.failure' },
      Next: RETRY_STATES.abandoned,
    });
    expect(definition.States[RETRY_STATES.abandoned]).toMatchObject({ Type: 'Fail', Error: ABANDONED_ERROR });
    // No execution-level timeout: an execution that timed out could not be caught.
    expect(definition.TimeoutSeconds).toBeUndefined();
  });

  it('logs executions to a log group under /aws/vendedlogs/states/ named from the stack', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/vendedlogs/states/${stackName}-retry-executions`,
    });
  });

  it('may invoke only the deliver function', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes('RetryStateMachine'),
    );
    const actions = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action));
    expect(actions).toContain('lambda:InvokeFunction');
    expect(actions.filter((a: string) => a.startsWith('lambda:'))).toEqual(['lambda:InvokeFunction']);
  });
});

describe('dispatcher', () => {
  it('drains the outbound queue with partial batch failures and may start retry executions only', () => {
    const dispatcher = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('OutboundDispatcher'));
    expect(dispatcher).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: dispatcher![0] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution', Resource: { Ref: Match.stringLikeRegexp('RetryStateMachine') } })]),
      },
    });
  });

  it('gives the outbound queue a visibility timeout of 6× the dispatcher timeout and a DLQ', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).filter((q) => q.Properties.RedrivePolicy);
    expect(queues.map((q) => q.Properties.VisibilityTimeout).sort()).toEqual([180, 360]);
  });
});

async function templateWithOutbound(outbound: Record<string, unknown>): Promise<Template> {
  const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const document = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as Record<string, unknown>;
  document.outbound = outbound;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gw-bus-')), 'config.json');
  writeFileSync(file, JSON.stringify(document));
  return Template.fromStack(buildApp(file, new App({ context: { 'aws:cdk:bundling-stacks': [] } })).stack);
}

describe('EventBridge publishing (optional)', () => {
  it('refuses a bus without a source list, and the default bus with the reason', async () => {
    await expect(templateWithOutbound({ eventBusName: 'default' })).rejects.toThrow(
      /outbound\.eventSources: required with eventBusName "default": the default bus carries every AWS service event of the account/,
    );
    await expect(templateWithOutbound({ eventBusName: 'internal-events' })).rejects.toThrow(/outbound\.eventSources: required with eventBusName/);
    await expect(templateWithOutbound({ eventBusName: 'default', eventSources: ['aws.ec2'] })).rejects.toThrow(/AWS service events/);
  });

  it('matches only the configured sources on the default bus', async () => {
    const onDefault = await templateWithOutbound({ eventBusName: 'default', eventSources: ['com.example.billing'] });
    onDefault.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'default',
      EventPattern: { source: ['com.example.billing'], account: [{ Ref: 'AWS::AccountId' }] },
    });
  });

  it("has no event-pattern rule unless a bus is named in the config (the one rule is the reconciler's schedule)", () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.map((rule) => rule.Properties.ScheduleExpression)).toEqual(['rate(5 minutes)']);
    expect(rules.filter((rule) => rule.Properties.EventPattern !== undefined)).toEqual([]);
  });

  it('with outbound.eventBusName, turns the events of the configured sources on that bus into publish messages on the outbound queue', async () => {
    const withBus = await templateWithOutbound({
      eventBusName: 'internal-events',
      eventSources: ['com.example.billing', 'com.example.orders'],
      eventDetailTypes: ['invoice.paid'],
    });
    const [rule] = Object.values(withBus.findResources('AWS::Events::Rule'));
    // Only what the config names: the sources, the detail-types, this account.
    expect(rule!.Properties.EventPattern).toEqual({
      source: ['com.example.billing', 'com.example.orders'],
      'detail-type': ['invoice.paid'],
      account: [{ Ref: 'AWS::AccountId' }],
    });
    withBus.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'internal-events',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OutboundQueuesQueue'), 'Arn'] },
          InputTransformer: Match.objectLike({
            InputPathsMap: Match.objectLike({ 'detail-type': '$.detail-type', detail: '$.detail', id: '$.id' }),
          }),
        }),
      ],
    });
  });
});
