/**
 * `npm run redrive`: moves the inbound dead-letter queue's messages back to the queue.
 *
 *   npm run redrive                                   # the local runtime (http://127.0.0.1:$PORT)
 *   npm run redrive -- --url http://127.0.0.1:4000
 *   npm run redrive -- --dlq-url <url> --queue-url <url>   # directly with the AWS SDK (your AWS credentials)
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { redriveDeadLetters } from '../shared/inbound/redrive';
import { isEntryPoint } from './cli';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, 'dlq-url': { type: 'string' }, 'queue-url': { type: 'string' }, max: { type: 'string' } },
  });
  const max = values.max ? Number(values.max) : undefined;
  if (values['dlq-url'] || values['queue-url']) {
    if (!values['dlq-url'] || !values['queue-url']) {
      process.stderr.write('--dlq-url and --queue-url go together\n');
      return 2;
    }
    const sqs = new SQSClient({});
    const { moved } = await redriveDeadLetters(sqs, { deadLetterQueueUrl: values['dlq-url'], queueUrl: values['queue-url'] }, max ? { max } : {});
    process.stdout.write(`moved ${moved} message(s) back to the queue\n`);
    return 0;
  }
  const base = values.url ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  let response: Response;
  try {
    response = await fetch(`${base}/api/v1/dlq/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(max ? { max } : {}),
    });
  } catch {
    process.stderr.write(`cannot reach the local runtime at ${base}: is \`npm start\` running?\n`);
    return 1;
  }
  const body = (await response.json()) as { moved?: number; error?: { message: string } };
  if (!response.ok) {
    process.stderr.write(`redrive failed (${response.status}): ${body.error?.message ?? 'unknown error'}\n`);
    return 1;
  }
  process.stdout.write(`moved ${body.moved ?? 0} message(s) back to the queue\n`);
  return 0;
}

if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
