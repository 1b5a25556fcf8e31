/**
 * The in-memory stores the unit tests use keep the same rules as the DynamoDB adapters: the same
 * contracts run here and, against DynamoDB Local, in test/integration/stores.test.ts.
 */
import { describeDeliveryStoreContract } from '../../contracts/delivery-store';
import { describeEndpointThrottleContract } from '../../contracts/endpoint-throttle';
import { describeEventStoreContract } from '../../contracts/event-store';
import { describeEndpointStoreContract, describeMessageStoreContract } from '../../contracts/outbound-stores';
import { InMemoryDeliveryStore } from '../../fakes/delivery-store';
import { InMemoryEndpointStore } from '../../fakes/endpoint-store';
import { InMemoryEndpointThrottle } from '../../fakes/endpoint-throttle';
import { InMemoryEventStore } from '../../fakes/event-store';
import { InMemoryMessageStore } from '../../fakes/message-store';

describeEventStoreContract('in memory', () => new InMemoryEventStore());
describeDeliveryStoreContract('in memory', () => new InMemoryDeliveryStore());
describeMessageStoreContract('in memory', () => new InMemoryMessageStore());
describeEndpointStoreContract('in memory', () => new InMemoryEndpointStore());
describeEndpointThrottleContract('in memory', () => new InMemoryEndpointThrottle());
