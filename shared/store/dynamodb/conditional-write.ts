/**
 * The one place where a refused DynamoDB condition is recognised. Every store states its rules as
 * conditional writes ("create unless it exists", "move on only from this status, only by the
 * holder of this lease"); a write whose condition did not hold is not an error of the store but
 * an answer: `{ written: false }`, with the item as it stood when the command asked for it
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). Any other failure is thrown as it came.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type {
  DeleteCommand,
  DeleteCommandOutput,
  DynamoDBDocumentClient,
  PutCommand,
  PutCommandOutput,
  UpdateCommand,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A conditional write's answer: done (with the command's output), or refused by its condition. */
export type ConditionalResult<O> =
  | { readonly written: true; readonly output: O }
  | { readonly written: false; readonly current: Record<string, unknown> | undefined };

/**
 * Sends `command`; a condition that does not hold resolves as `{ written: false }`.
 *
 * @example
 * const result = await conditionalWrite(db, new PutCommand({ TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' }));
 * if (!result.written) return 'exists';
 */
export async function conditionalWrite(db: DynamoDBDocumentClient, command: PutCommand): Promise<ConditionalResult<PutCommandOutput>>;
export async function conditionalWrite(db: DynamoDBDocumentClient, command: UpdateCommand): Promise<ConditionalResult<UpdateCommandOutput>>;
export async function conditionalWrite(db: DynamoDBDocumentClient, command: DeleteCommand): Promise<ConditionalResult<DeleteCommandOutput>>;
export async function conditionalWrite(
  db: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<ConditionalResult<PutCommandOutput | UpdateCommandOutput | DeleteCommandOutput>> {
  try {
    return { written: true, output: await db.send(command as UpdateCommand) };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { written: false, current: error.Item ? unmarshall(error.Item) : undefined };
    throw error;
  }
}
