/**
 * Redriving a dead-letter queue back to its source queue with SQS's own server-side move
 * (`StartMessageMoveTask`), and reporting the move's progress (`ListMessageMoveTasks`). Nothing
 * is moved by the caller: the API function only starts the task and reads it, so a queue of any
 * depth is redriven without a loop inside a Lambda's timeout.
 *
 * Used for both queue pairs (inbound: ingress → processor; outbound: publishers → dispatcher).
 * The local runtime's emulator lacks these actions; the local runtime serves them itself
 * (local/message-move.ts), so this code is the same in both places.
 */
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ConflictError } from '../errors';

export const DEAD_LETTER_QUEUES = ['inbound', 'outbound'] as const;
export type DeadLetterQueueName = (typeof DEAD_LETTER_QUEUES)[number];

/** A dead-letter queue and the queue its messages go back to. */
export interface QueuePairRef {
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
  readonly queueArn: string;
}

export type RedriveStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

/** One message move task, as the API reports it. */
export interface RedriveTask {
  readonly taskHandle?: string;
  readonly status: RedriveStatus;
  readonly sourceArn: string;
  readonly destinationArn: string;
  readonly approximateNumberOfMessagesMoved: number;
  /** Counted when the task started; absent until SQS has selected the task to start. */
  readonly approximateNumberOfMessagesToMove?: number;
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly startedAt?: string;
  readonly failureReason?: string;
}

/** A move task is already running on this dead-letter queue (SQS allows one per queue). */
export class RedriveInProgressError extends ConflictError {
  override readonly name: string = 'RedriveInProgressError';
  constructor(readonly task: RedriveTask) {
    super(
      `a redrive of this dead-letter queue is already running${task.taskHandle ? ` (task ${task.taskHandle}, ${task.approximateNumberOfMessagesMoved} moved so far)` : ''}; GET its progress and start another once it has finished`,
      'redrive_in_progress',
    );
  }
}

/**
 * Starts moving every message of the pair's dead-letter queue back to its queue, at most
 * `maxMessagesPerSecond` (SQS's limit is 500; system-optimised when absent).
 *
 * @throws RedriveInProgressError when a move of that queue is still running
 */
export async function startRedrive(sqs: SQSClient, pair: QueuePairRef, options: { maxMessagesPerSecond?: number } = {}): Promise<RedriveTask> {
  const running = (await listRedrives(sqs, pair)).find((task) => task.status === 'RUNNING' || task.status === 'CANCELLING');
  if (running) throw new RedriveInProgressError(running);
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: pair.deadLetterQueueArn,
      DestinationArn: pair.queueArn,
      ...(options.maxMessagesPerSecond ? { MaxNumberOfMessagesPerSecond: options.maxMessagesPerSecond } : {}),
    }),
  );
  const listed = (await listRedrives(sqs, pair)).find((task) => task.taskHandle === TaskHandle);
  return (
    listed ?? {
      ...(TaskHandle ? { taskHandle: TaskHandle } : {}),
      status: 'RUNNING',
      sourceArn: pair.deadLetterQueueArn,
      destinationArn: pair.queueArn,
      approximateNumberOfMessagesMoved: 0,
      ...(options.maxMessagesPerSecond ? { maxNumberOfMessagesPerSecond: options.maxMessagesPerSecond } : {}),
    }
  );
}

/** The most recent move tasks of the pair's dead-letter queue (up to 10, newest first). */
export async function listRedrives(sqs: SQSClient, pair: QueuePairRef): Promise<RedriveTask[]> {
  const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: pair.deadLetterQueueArn, MaxResults: 10 }));
  return Results.map((entry) => toTask(entry, pair));
}

function toTask(entry: ListMessageMoveTasksResultEntry, pair: QueuePairRef): RedriveTask {
  return {
    ...(entry.TaskHandle ? { taskHandle: entry.TaskHandle } : {}),
    status: (entry.Status ?? 'RUNNING') as RedriveStatus,
    sourceArn: entry.SourceArn ?? pair.deadLetterQueueArn,
    destinationArn: entry.DestinationArn ?? pair.queueArn,
    approximateNumberOfMessagesMoved: Number(entry.ApproximateNumberOfMessagesMoved ?? 0),
    ...(entry.ApproximateNumberOfMessagesToMove !== undefined ? { approximateNumberOfMessagesToMove: Number(entry.ApproximateNumberOfMessagesToMove) } : {}),
    ...(entry.MaxNumberOfMessagesPerSecond !== undefined ? { maxNumberOfMessagesPerSecond: entry.MaxNumberOfMessagesPerSecond } : {}),
    ...(entry.StartedTimestamp !== undefined ? { startedAt: new Date(Number(entry.StartedTimestamp)).toISOString() } : {}),
    ...(entry.FailureReason ? { failureReason: entry.FailureReason } : {}),
  };
}

/** Approximate number of messages waiting in a queue (visible and in flight). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}
