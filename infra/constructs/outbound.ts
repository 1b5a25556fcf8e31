/**
 * The sending side: the outbound queue (publishers → dispatcher), the dispatcher (fan-out and
 * first attempts), the retry state machine (Standard; definition from
 * shared/outbound/retry-state-machine.ts) and its deliver task, and the optional EventBridge rule
 * that turns events on a bus into messages.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, RuleTargetInput, EventField } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { GatewayConfig } from '../../shared/config/schema';
import { TABLE } from '../../shared/store/table';
import { deliverTimings, retryStateMachineDefinition } from '../../shared/outbound/retry-state-machine';
import { AWS_SETTINGS, functionEnvironment, type FunctionDeclarations } from '../../shared/deployment/functions';
import { outboundQueueSettings } from '../../shared/queue/settings';
import { GatewayFunction } from './gateway-function';
import { queuePair } from './queue-pair';

export interface OutboundProps {
  readonly config: GatewayConfig;
  readonly configDocument: unknown;
  readonly functions: FunctionDeclarations;
  readonly table: Table;
  readonly payloadBucket: Bucket;
}

export class Outbound extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dispatcher: GatewayFunction;
  readonly deliver: GatewayFunction;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: OutboundProps) {
    super(scope, id);
    const { config, table, payloadBucket } = props;
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = queuePair(this, 'Queues', outboundQueueSettings(config.service, config.outbound)));

    const common = { configDocument: props.configDocument, service: config.service, tracing: config.operations.tracing };
    const names = { tableName: table.tableName, payloadBucket: payloadBucket.bucketName, outboundQueueUrl: this.queue.queueUrl };
    // DeleteItem: an endpoint's in-flight lease is given back by deleting it (shared/store/dynamodb/endpoint-throttle.ts).
    // The deliver task reads and writes items by key only; the dispatcher also lists the
    // endpoints (the index query and the batch read of the items it names). Item actions act on
    // the table only; the index is only ever queried (test/integration/metrics-contract.test.ts
    // holds what each sends against these).
    const itemActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
    const indexArn = `${table.tableArn}/index/${TABLE.indexes[0].indexName}`;

    const timings = deliverTimings(config.outbound);
    this.deliver = new GatewayFunction(this, 'Deliver', {
      ...common,
      declaration: props.functions.deliver,
      environment: functionEnvironment('deliver', names, AWS_SETTINGS),
    })
      .allow(itemActions, [table.tableArn])
      .allow(['s3:GetObject', 's3:PutObject'], [payloadBucket.arnForObjects('outbound/*')])
      // Operational events (webhooks.delivery.exhausted, webhooks.endpoint.disabled) are published to the outbound queue.
      .allow(['sqs:SendMessage'], [this.queue.queueArn]);

    // Under /aws/vendedlogs/ so Step Functions' log delivery does not grow the account's
    // CloudWatch Logs resource policy (5,120 characters); named from the stack, so two stacks or
    // a redeploy cannot collide, and deleted with the stack for the same reason.
    const logs = new LogGroup(this, 'RetryExecutionLogs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-retry-executions`,
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'RetryStateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: 'Retries one outbound delivery on the configured schedule',
      definitionBody: DefinitionBody.fromString(
        JSON.stringify(retryStateMachineDefinition(this.deliver.function.functionArn, { attemptTimeoutSeconds: timings.attemptTimeoutSeconds })),
      ),
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.deliver.function.grantInvoke(this.stateMachine);

    this.dispatcher = new GatewayFunction(this, 'Dispatcher', {
      ...common,
      declaration: props.functions.dispatcher,
      environment: functionEnvironment('dispatcher', { ...names, retryStateMachineArn: this.stateMachine.stateMachineArn }, AWS_SETTINGS),
    })
      .allow([...itemActions, 'dynamodb:BatchGetItem'], [table.tableArn])
      .allow(['dynamodb:Query'], [indexArn])
      .allow(['s3:GetObject', 's3:PutObject'], [payloadBucket.arnForObjects('outbound/*')])
      .allow(['sqs:SendMessage'], [this.queue.queueArn])
      .allow(['states:StartExecution'], [this.stateMachine.stateMachineArn]);
    this.dispatcher.consume(this.queue);

    if (config.outbound.eventBusName && config.outbound.eventSources) {
      // The AWS-native internal event stream: the events of the configured sources (and
      // detail-types, when listed) become messages whose type is the event's detail-type and
      // whose payload is its detail; the event id keys idempotency, so EventBridge's
      // at-least-once delivery publishes once. The schema refuses a bus without a source list.
      const bus = EventBus.fromEventBusName(this, 'Bus', config.outbound.eventBusName);
      new Rule(this, 'PublishFromBus', {
        eventBus: bus,
        description: 'Publishes events of the configured sources on the bus as outbound webhook messages',
        eventPattern: {
          source: [...config.outbound.eventSources],
          ...(config.outbound.eventDetailTypes ? { detailType: [...config.outbound.eventDetailTypes] } : {}),
          account: [Stack.of(this).account],
        },
        targets: [
          new SqsQueue(this.queue, {
            message: RuleTargetInput.fromObject({
              kind: 'publish',
              eventType: EventField.detailType,
              payload: EventField.fromPath('$.detail'),
              idempotencyKey: EventField.eventId,
            }),
          }),
        ],
      });
    }
  }
}
