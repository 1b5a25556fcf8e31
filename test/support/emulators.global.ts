/**
 * One DynamoDB Local and one fauxqs for the whole integration run; each test file creates its
 * own uniquely named table, queues and bucket in them (test/support/harness.ts).
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDb, startSqs } from '../../local/emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamo, sqs] = await Promise.all([startDynamoDb(), startSqs()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  return async () => {
    await Promise.all([sqs.stop(), dynamo.stop()]);
  };
}
