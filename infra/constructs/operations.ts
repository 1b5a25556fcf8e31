/**
 * Operations: the on-call SNS topic (encrypted, TLS only, email and HTTPS subscriptions from the
 * config), every alarm routed to it (alarm and OK actions), and a dashboard of the flows.
 * Thresholds come from `operations.alarms` in the config.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { GatewayConfig } from '../../shared/config/schema';
import type { GatewayFunction } from './gateway-function';

export interface OperationsProps {
  readonly config: GatewayConfig;
  readonly httpApi: HttpApi;
  readonly functions: Readonly<Record<string, GatewayFunction>>;
  readonly queues: ReadonlyArray<{ readonly name: string; readonly queue: Queue; readonly deadLetterQueue: Queue }>;
  readonly stateMachine: StateMachine;
}

export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { config } = props;
    const thresholds = config.operations.alarms;
    const namespace = config.service;
    const custom = (metricName: string, dimensions: Record<string, string> = {}, statistic = 'Sum', period = Duration.minutes(5)) =>
      new Metric({ namespace, metricName, dimensionsMap: { service: config.service, ...dimensions }, statistic, period });

    // CloudWatch may publish to an encrypted topic only with a customer managed key it can use.
    const stack = Stack.of(this);
    const key = new Key(this, 'TopicKey', { enableKeyRotation: true, description: `${config.service} on-call topic of ${stack.stackName}` });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.topic = new Topic(this, 'OnCall', { displayName: `${config.service} on-call`, masterKey: key, enforceSSL: true });
    // enforceSSL writes a topic policy, which replaces SNS's default one: without this statement
    // nothing may publish, and every alarm and OK action would fail. Scoped to alarms of this
    // account and region (confused-deputy protection).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
        },
      }),
    );
    for (const email of config.operations.onCall.emails) this.topic.addSubscription(new EmailSubscription(email));
    for (const url of config.operations.onCall.httpsEndpoints) this.topic.addSubscription(new UrlSubscription(url));
    const action = new SnsAction(this.topic);

    const alarm = (
      alarmId: string,
      description: string,
      metric: IMetric,
      threshold: number,
      comparison = ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods = 1,
    ) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: comparison,
        evaluationPeriods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const { name, queue, deadLetterQueue } of props.queues) {
      alarm(
        `${name}DeadLetters`,
        `Messages in the ${name} dead-letter queue: events or messages that could not be processed`,
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        0,
      );
      alarm(
        `${name}QueueAge`,
        `The oldest message in the ${name} queue is older than ${thresholds.queueAgeSeconds} s: processing is stuck or too slow`,
        queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        thresholds.queueAgeSeconds,
      );
      alarm(
        `${name}DeadLetterQueueAge`,
        `The oldest message in the ${name} dead-letter queue is older than ${thresholds.queueAgeSeconds} s`,
        deadLetterQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        thresholds.queueAgeSeconds,
      );
    }

    const api5xx = new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: props.httpApi.apiId, Stage: '$default' },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    alarm(
      'Api5xx',
      `The HTTP API answered 5xx more than ${thresholds.api5xx} times in 5 minutes (providers will retry; find out why)`,
      api5xx,
      thresholds.api5xx,
    );

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}Errors`,
        `The ${name} function failed more than ${thresholds.functionErrors} times in 5 minutes`,
        fn.function.metricErrors({ period: Duration.minutes(5) }),
        thresholds.functionErrors,
      );
      alarm(`${name}Throttles`, `The ${name} function was throttled`, fn.function.metricThrottles({ period: Duration.minutes(5) }), 0);
    }

    alarm(
      'RetryExecutionsFailed',
      'A delivery retry execution failed: its attempt task kept failing or timed out, and the delivery was marked failed with the reason (or could not even be marked: see the execution)',
      props.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      0,
    );
    alarm(
      'RetryExecutionsAborted',
      'A delivery retry execution was stopped by hand: its delivery stays "retrying"; retry it (POST /api/v1/messages/{id}/retry) or leave it',
      props.stateMachine.metricAborted({ period: Duration.minutes(5) }),
      0,
    );
    alarm(
      'RetryExecutionsTimedOut',
      'A delivery retry execution timed out: its delivery stays "retrying"; retry it',
      props.stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
      0,
    );

    alarm(
      'EventsReconciled',
      'An accepted event sat queued or processing past (maxReceiveCount + 1) visibility timeouts and was queued again: its queue message was lost somewhere (purged, expired, or dropped); look for more',
      custom('reconciled'),
      0,
    );
    alarm(
      'VerificationFailures',
      `More than ${thresholds.verificationFailures} signature verification failures in 5 minutes: someone is forging requests, or a rotated secret was not deployed`,
      custom('verificationFailures'),
      thresholds.verificationFailures,
    );

    const succeeded = custom('deliveryAttempts', { outcome: 'succeeded' }, 'Sum', Duration.minutes(15));
    const failed = custom('deliveryAttempts', { outcome: 'failed' }, 'Sum', Duration.minutes(15));
    const successRate = new MathExpression({
      expression: 'IF((s + f) > 0, 100 * s / (s + f), 100)',
      usingMetrics: { s: succeeded, f: failed },
      label: 'Delivery success rate (%)',
      period: Duration.minutes(15),
    });
    alarm(
      'DeliverySuccessRate',
      `Outbound delivery success rate below ${thresholds.deliverySuccessRatePercent}% over 15 minutes`,
      successRate,
      thresholds.deliverySuccessRatePercent,
      ComparisonOperator.LESS_THAN_THRESHOLD,
    );

    // No dashboardName: CloudFormation generates one, so stacks cannot collide.
    this.dashboard = new Dashboard(this, 'Dashboard');
    const fnMetrics = Object.entries(props.functions);
    const search = (label: string, keys: string, names: readonly string[], statistic: string) =>
      new MathExpression({
        label,
        expression: `SEARCH('{${namespace},service,${keys}} service="${config.service}" (${names.map((name) => `MetricName="${name}"`).join(' OR ')})', '${statistic}', 300)`,
        usingMetrics: {},
        period: Duration.minutes(5),
      });
    const inboundCounts = [
      'received',
      'queued',
      'duplicates',
      'reconciled',
      'verificationFailures',
      'processed',
      'processingFailures',
      'deadLettered',
      'ingressErrors',
    ];
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${config.service} webhook gateway\nInbound: received → verified → queued → processed. Outbound: attempts, success rate, retries.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Inbound', width: 12, left: inboundCounts.map((name) => custom(name)) }),
      new GraphWidget({ title: 'Processing latency (ms)', width: 12, left: [custom('processingLatency', {}, 'p50'), custom('processingLatency', {}, 'p99')] }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Inbound by source', width: 8, left: [search('by source', 'source', inboundCounts, 'Sum')] }),
      new GraphWidget({ title: 'Processing latency by source (p99, ms)', width: 8, left: [search('p99 by source', 'source', ['processingLatency'], 'p99')] }),
      new GraphWidget({ title: 'Verification failures by reason', width: 8, left: [search('by reason', 'reason', ['verificationFailures'], 'Sum')] }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Outbound attempts',
        width: 8,
        left: [custom('deliveryAttempts'), succeeded.with({ period: Duration.minutes(5) }), failed.with({ period: Duration.minutes(5) })],
      }),
      new GraphWidget({ title: 'Delivery success rate (%)', width: 8, left: [successRate], leftYAxis: { min: 0, max: 100 } }),
      new GraphWidget({
        title: 'Deliveries',
        width: 8,
        left: [
          custom('deliveriesSucceeded'),
          custom('deliveriesFailed'),
          custom('deliveriesExhausted'),
          custom('deliveriesAbandoned'),
          custom('endpointsDisabled'),
        ],
        right: [custom('deliveryLatency', {}, 'p50'), custom('deliveryLatency', {}, 'p99')],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Attempt latency by outcome (p99, ms)', width: 12, left: [search('p99 by outcome', 'outcome', ['deliveryLatency'], 'p99')] }),
      new GraphWidget({
        title: 'Retry executions',
        width: 12,
        left: [
          props.stateMachine.metricStarted(),
          props.stateMachine.metricSucceeded(),
          props.stateMachine.metricFailed(),
          props.stateMachine.metricAborted(),
          props.stateMachine.metricTimedOut(),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queues: oldest message (s)',
        width: 12,
        left: props.queues.flatMap(({ queue, deadLetterQueue }) => [
          queue.metricApproximateAgeOfOldestMessage(),
          deadLetterQueue.metricApproximateAgeOfOldestMessage(),
        ]),
      }),
      new SingleValueWidget({
        title: 'Dead-letter queues (messages)',
        width: 12,
        metrics: props.queues.map(({ deadLetterQueue }) => deadLetterQueue.metricApproximateNumberOfMessagesVisible()),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Function errors', width: 8, left: fnMetrics.map(([, fn]) => fn.function.metricErrors()) }),
      new GraphWidget({ title: 'Function throttles', width: 8, left: fnMetrics.map(([, fn]) => fn.function.metricThrottles()) }),
      new GraphWidget({ title: 'HTTP API 5xx', width: 8, left: [api5xx] }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Status stream: changes not recorded (the live stream and traffic stats miss them)',
        width: 24,
        left: [custom('statusWritesFailed')],
      }),
    );
  }
}
