/**
 * The DynamoDB adapters against DynamoDB Local, held to the same contracts as the in-memory
 * stores of the unit tests (test/unit/stores/in-memory-stores.test.ts).
 */
import { beforeAll } from 'vitest';
import { DynamoDbDeliveryStore } from '../../shared/store/dynamodb/delivery-store';
import { DynamoDbEndpointStore } from '../../shared/store/dynamodb/endpoint-store';
import { DynamoDbEndpointThrottle } from '../../shared/store/dynamodb/endpoint-throttle';
import { DynamoDbEventStore } from '../../shared/store/dynamodb/event-store';
import { DynamoDbMessageStore } from '../../shared/store/dynamodb/message-store';
import { describeDeliveryStoreContract } from '../contracts/delivery-store';
import { describeEndpointThrottleContract } from '../contracts/endpoint-throttle';
import { describeEventStoreContract } from '../contracts/event-store';
import { describeEndpointStoreContract, describeMessageStoreContract } from '../contracts/outbound-stores';
import { createHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describeEventStoreContract('DynamoDB', () => new DynamoDbEventStore(h.clients.documents, h.resources.tableName));
describeDeliveryStoreContract('DynamoDB', () => new DynamoDbDeliveryStore(h.clients.documents, h.resources.tableName));
describeMessageStoreContract('DynamoDB', () => new DynamoDbMessageStore(h.clients.documents, h.resources.tableName));
describeEndpointStoreContract('DynamoDB', () => new DynamoDbEndpointStore(h.clients.documents, h.resources.tableName));
describeEndpointThrottleContract('DynamoDB', () => new DynamoDbEndpointThrottle(h.clients.documents, h.resources.tableName));
