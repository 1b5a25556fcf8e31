/**
 * Counts the AWS calls a flow makes, per service and operation, and the DynamoDB capacity they
 * consume (as DynamoDB Local reports it with ReturnConsumedCapacity, index writes included).
 * Conditional writes that fail are counted apart: DynamoDB bills them as writes too.
 */
import type { MiddlewareStack } from '@smithy/types';

export interface MeterReading {
  calls: Record<string, number>;
  writeUnits: number;
  readUnits: number;
  conditionFailures: number;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand']);

export class Meter {
  reading: MeterReading = Meter.empty();

  static empty(): MeterReading {
    return { calls: {}, writeUnits: 0, readUnits: 0, conditionFailures: 0 };
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
        const key = `${service}.${command.replace(/Command$/, '')}`;
        this.reading.calls[key] = (this.reading.calls[key] ?? 0) + 1;
        const input = args.input as Record<string, unknown>;
        if (service === 'dynamodb' && (WRITES.has(command) || READS.has(command))) input.ReturnConsumedCapacity = 'TOTAL';
        try {
          const result = await next(args);
          const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
          for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
            const units = Number((entry as { CapacityUnits?: number }).CapacityUnits ?? 0);
            if (WRITES.has(command)) this.reading.writeUnits += units;
            else this.reading.readUnits += units;
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
