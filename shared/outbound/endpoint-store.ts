/**
 * Endpoints in DynamoDB: create, read, update, disable, rotate secrets, and the run of failures
 * that disables an endpoint which keeps failing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../errors';
import { queryIndex } from '../store/index-query';
import type { Endpoint, EndpointSecret } from './model';

const ENDPOINTS_PARTITION = 'ENDPOINTS';

export function endpointKey(id: string): { pk: string; sk: string } {
  return { pk: `ENDPOINT#${id}`, sk: 'ENDPOINT' };
}

/** Fields a PATCH may change. `undefined` leaves a field; `null` clears an optional one. */
export interface EndpointChanges {
  readonly url?: string;
  readonly eventTypes?: readonly string[];
  readonly description?: string | null;
  readonly filter?: string | null;
  readonly transform?: string | null;
  readonly signatureScheme?: Endpoint['signatureScheme'];
  readonly headers?: Readonly<Record<string, string>> | null;
  readonly enabled?: boolean;
}

export class EndpointStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(endpoint: Endpoint): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...endpointKey(endpoint.id), gsi1pk: ENDPOINTS_PARTITION, gsi1sk: `${endpoint.createdAt}#${endpoint.id}`, kind: 'endpoint', ...endpoint },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<Endpoint | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: endpointKey(id), ConsistentRead: true }));
    return Item ? toEndpoint(Item) : undefined;
  }

  async require(id: string): Promise<Endpoint> {
    const endpoint = await this.get(id);
    if (!endpoint) throw new NotFoundError('no endpoint with this id', 'endpoint_not_found');
    return endpoint;
  }

  /** Every endpoint, oldest first (the fan-out reads them all; filter in memory). */
  async list(options: { limit?: number; cursor?: Record<string, unknown> } = {}): Promise<{ endpoints: Endpoint[]; next?: Record<string, unknown> }> {
    const page = await queryIndex(this.db, this.tableName, ENDPOINTS_PARTITION, options);
    return { endpoints: page.items.map(toEndpoint), ...(page.next ? { next: page.next } : {}) };
  }

  async listAll(): Promise<Endpoint[]> {
    const all: Endpoint[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.list(cursor ? { cursor } : {});
      all.push(...page.endpoints);
      cursor = page.next;
    } while (cursor);
    return all;
  }

  async update(id: string, changes: EndpointChanges, now: Date): Promise<Endpoint> {
    const set: string[] = ['updatedAt = :now'];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now.toISOString() };
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      if (value === null) remove.push(`#${field}`);
      else {
        set.push(`#${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    if (changes.enabled === true) {
      // Re-enabling starts a fresh run: the old failures no longer count.
      remove.push('disabledReason', 'disabledAt', 'failingSince');
    }
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toEndpoint(Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFoundError('no endpoint with this id', 'endpoint_not_found');
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: endpointKey(id), ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Makes `secret` current; the previous current one stays valid until `previousExpiresAt`. */
  async rotateSecret(id: string, secret: string, now: Date, previousExpiresAt: Date): Promise<Endpoint> {
    const endpoint = await this.require(id);
    const current = endpoint.secrets[0];
    const secrets: EndpointSecret[] = [
      { secret, createdAt: now.toISOString() },
      ...(current ? [{ secret: current.secret, createdAt: current.createdAt, expiresAt: previousExpiresAt.toISOString() }] : []),
    ];
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: endpointKey(id),
        UpdateExpression: 'SET secrets = :secrets, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':secrets': secrets, ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toEndpoint(Attributes!);
  }

  /** Records a failed delivery; returns when the endpoint's current run of failures began. */
  async recordFailure(id: string, now: Date): Promise<string | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes?.failingSince as string | undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** A success ends the run of failures. Written only when there is one, to save writes. */
  async recordSuccess(endpoint: Endpoint): Promise<void> {
    if (!endpoint.failingSince) return;
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(endpoint.id),
          UpdateExpression: 'REMOVE failingSince',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** Disables an enabled endpoint; returns false when it was already disabled (or gone). */
  async disable(id: string, reason: string, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(id),
          UpdateExpression: 'SET enabled = :false, disabledReason = :reason, disabledAt = :now, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND enabled = :true',
          ExpressionAttributeValues: { ':false': false, ':true': true, ':reason': reason, ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function toEndpoint(item: Record<string, unknown>): Endpoint {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, kind: _kind, ...rest } = item;
  return { ...(rest as unknown as Endpoint), eventTypes: (rest.eventTypes as string[] | undefined) ?? [] };
}
