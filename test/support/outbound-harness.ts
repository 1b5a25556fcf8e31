/**
 * The sending side wired for integration tests: real stores in the shared DynamoDB Local, the
 * outbound queue in fauxqs drained by the dispatcher handler through the emulated event source,
 * and the retry state machine run by the local Step Functions server (aws-local-stepfunctions)
 * through the real SFN SDK client.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { handleDeliver } from '../../functions/deliver/handler';
import { handleOutboundBatch, type DispatcherDeps } from '../../functions/dispatcher/handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { lambdaContext } from '../../local/lambda-context';
import { SqsEventSource } from '../../local/sqs-event-source';
import { LocalStepFunctions } from '../../local/step-functions';
import { registerOutboundRoutes } from '../../shared/api/outbound';
import { Router } from '../../shared/http/router';
import type { DeliveryEvent } from '../../shared/outbound/deliver';
import type { DeliveryStore } from '../../shared/outbound/delivery-store';
import type { EndpointStore } from '../../shared/outbound/endpoint-store';
import { UndiciSender } from '../../shared/outbound/http-sender';
import type { MessageStore } from '../../shared/outbound/message-store';
import type { PublishDeps } from '../../shared/outbound/publish';
import { StepFunctionsRetryScheduler } from '../../shared/outbound/retry-scheduler';
import { deliverTimings, RETRY_STATES, retryStateMachineDefinition, type DeliverTaskOutput } from '../../shared/outbound/retry-state-machine';
import { DynamoDbDeliveryStore } from '../../shared/store/dynamodb/delivery-store';
import { DynamoDbEndpointStore } from '../../shared/store/dynamodb/endpoint-store';
import { DynamoDbMessageStore } from '../../shared/store/dynamodb/message-store';
import { S3PayloadStore } from '../../shared/store/payload-store';
import type { Harness } from './harness';
import { SqsQueue } from '../../shared/queue/sqs-queue';

export interface OutboundHarness {
  readonly deps: DispatcherDeps;
  readonly router: Router;
  readonly publish: PublishDeps;
  readonly endpoints: EndpointStore;
  readonly messages: MessageStore;
  readonly deliveries: DeliveryStore;
  readonly stepFunctions: LocalStepFunctions;
  readonly events: DeliveryEvent[];
  stop(): Promise<void>;
}

export async function createOutboundHarness(
  h: Harness,
  options: { schedule?: number[]; allowPrivateTargets?: boolean; resolve?: Parameters<typeof registerOutboundRoutes>[1]['resolve'] } = {},
): Promise<OutboundHarness> {
  const { clients, resources, config } = h;
  const endpoints = new DynamoDbEndpointStore(clients.documents, resources.tableName);
  const messages = new DynamoDbMessageStore(clients.documents, resources.tableName);
  const deliveries = new DynamoDbDeliveryStore(clients.documents, resources.tableName);
  const payloads = new S3PayloadStore(clients.s3, resources.bucketName);
  const queue = new SqsQueue(clients.sqs, resources.outbound.queueUrl);
  const events: DeliveryEvent[] = [];
  const allowPrivateTargets = options.allowPrivateTargets ?? true;
  const sender = new UndiciSender({ allowPrivateTargets });

  let deps: DispatcherDeps | undefined;
  const stepFunctions = new LocalStepFunctions({
    stateMachineName: `${resources.tableName}-retries`,
    definition: retryStateMachineDefinition('arn:aws:lambda:us-east-1:000000000000:function:deliver', deliverTimings(config.outbound)),
    tasks: { [RETRY_STATES.attempt]: (input) => handleDeliver(input as never, deps!), [RETRY_STATES.recordFailure]: (input) => handleDeliver(input as never, deps!) },
    resumableState: (output) => ((output as DeliverTaskOutput).outcome === 'retry' ? output : undefined),
  });
  const sfn = new SFNClient({ endpoint: await stepFunctions.listen(), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const publish: PublishDeps = { messages, payloads, queue, settings: config.outbound };
  deps = {
    endpoints,
    messages,
    deliveries,
    payloads,
    sender,
    settings: { ...config.outbound, retrySchedule: options.schedule ?? [1, 1, 1] },
    onEvent: (event) => {
      events.push(event);
    },
    scheduler: new StepFunctionsRetryScheduler(sfn, stepFunctions.stateMachineArn),
    listEndpoints: () => endpoints.listAll(),
    staleAttemptSeconds: 60,
    publish,
  };
  const router = registerOutboundRoutes(new Router(), {
    endpoints,
    messages,
    deliveries,
    payloads,
    queue,
    settings: config.outbound,
    allowPrivateTargets,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const dispatcher = new SqsEventSource({
    sqs: clients.sqs,
    queueUrl: resources.outbound.queueUrl,
    queueArn: resources.outbound.queueArn,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    waitTimeSeconds: 1,
    invoke: (event) => handleOutboundBatch(event, lambdaContext('dispatcher', 60) as Context, deps!),
  });
  dispatcher.start();
  return {
    deps,
    router,
    publish,
    endpoints,
    messages,
    deliveries,
    stepFunctions,
    events,
    async stop() {
      await dispatcher.stop();
      await stepFunctions.stop();
      await sender.close();
      sfn.destroy();
    },
  };
}
