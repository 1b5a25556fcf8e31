/** The queue ports: what the domain needs of a queue, and nothing of SQS. */

/** Takes one message at a time. */
export interface Queue<T> {
  send(message: T): Promise<void>;
}

/** Also takes many at once (chunked as the queue requires). */
export interface BatchQueue<T> extends Queue<T> {
  sendAll(messages: readonly T[]): Promise<void>;
}
