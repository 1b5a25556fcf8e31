/**
 * Counts the AWS calls a flow makes, per service and operation, and the DynamoDB capacity they
 * consume (as DynamoDB Local reports it with ReturnConsumedCapacity INDEXES: the table's and each
 * index's units apart). Each write is also filed under the item family it wrote (the partition
 * key's prefix: `EVENT`, `STATUS`, `MSG`, …), so the cost model can tell the record's own put
 * from the writes around it. Conditional writes that fail are counted apart: DynamoDB bills them
 * as writes too.
 */
import type { MiddlewareStack } from '@smithy/types';

/** Write units of one kind of write (`PutItem EVENT`), table and index entries apart. */
export interface WriteTally {
  calls: number;
  tableUnits: number;
  indexUnits: number;
}

export interface MeterReading {
  calls: Record<string, number>;
  writeUnits: number;
  readUnits: number;
  conditionFailures: number;
  /** By `<operation> <item family>`. */
  writes: Record<string, WriteTally>;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand']);

interface Consumed {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/**
 * The item family a single-item write names: its partition key's prefix, and its sort key's when
 * that is a word (`EVENT#github#1`/`EVENT` → `EVENT`, `MESSAGE#m1`/`DELIVERY#ep` → `MESSAGE/DELIVERY`).
 */
function familyOf(input: Record<string, unknown>): string {
  const item = (input.Item ?? input.Key) as Record<string, { S?: string } | string> | undefined;
  const text = (value: { S?: string } | string | undefined) => (typeof value === 'string' ? value : value?.S);
  const pk = text(item?.pk)?.split('#')[0];
  if (!pk) return 'batch';
  const sk = /^[A-Z]+/.exec(text(item?.sk) ?? '')?.[0];
  return sk && sk !== pk ? `${pk}/${sk}` : pk;
}

export class Meter {
  reading: MeterReading = Meter.empty();

  static empty(): MeterReading {
    return { calls: {}, writeUnits: 0, readUnits: 0, conditionFailures: 0, writes: {} };
  }

  reset(): MeterReading {
    const last = this.reading;
    this.reading = Meter.empty();
    return last;
  }

  /** Counts every call of `client` under `service`. */
  watch(service: string, client: { middlewareStack: unknown }): void {
    (client.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const command = String(context.commandName);
        const operation = command.replace(/Command$/, '');
        const key = `${service}.${operation}`;
        this.reading.calls[key] = (this.reading.calls[key] ?? 0) + 1;
        const input = args.input as Record<string, unknown>;
        if (service === 'dynamodb' && (WRITES.has(command) || READS.has(command))) input.ReturnConsumedCapacity = 'INDEXES';
        try {
          const result = await next(args);
          const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
          for (const entry of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Consumed[]) {
            const units = Number(entry.CapacityUnits ?? 0);
            if (!WRITES.has(command)) {
              this.reading.readUnits += units;
              continue;
            }
            this.reading.writeUnits += units;
            const indexUnits = Object.values(entry.GlobalSecondaryIndexes ?? {}).reduce((sum, index) => sum + Number(index.CapacityUnits ?? 0), 0);
            const write = `${operation} ${familyOf(input)}`;
            const tally = this.reading.writes[write] ?? { calls: 0, tableUnits: 0, indexUnits: 0 };
            this.reading.writes[write] = tally;
            tally.calls++;
            tally.tableUnits += Number(entry.Table?.CapacityUnits ?? units - indexUnits);
            tally.indexUnits += indexUnits;
          }
          return result;
        } catch (error) {
          if ((error as { name?: string }).name === 'ConditionalCheckFailedException') this.reading.conditionFailures++;
          throw error;
        }
      },
      { step: 'initialize', name: `meter-${service}` },
    );
  }
}
