/**
 * `GET /api/v1/stream`: the live status stream (Server-Sent Events) as a Lambda response stream
 * behind a function URL (IAM auth). Clients reconnect with `Last-Event-ID` and get what they
 * missed; the stream ends before the function's timeout and the client reconnects.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Writable } from 'node:stream';
import { SSE_HEADERS, streamStatus } from '../../shared/status/stream';
import { streamDependencies, type StreamDeps } from '../composition';
import { createDocumentClient, lambdaEnvironment, once } from '../environment';

/** The Lambda Node.js runtime's streaming API (a global in Lambda; emulated by the local runtime). */
declare const awslambda: {
  streamifyResponse(handler: (event: APIGatewayProxyEventV2, stream: Writable, context: Context) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: Writable, meta: { statusCode: number; headers: Record<string, string> }): Writable };
};

const logger = new Logger({ serviceName: 'stream' });
const clients = { documents: createDocumentClient() };

export async function handleStream(
  event: APIGatewayProxyEventV2,
  output: Writable,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  { log }: StreamDeps,
): Promise<void> {
  const stream = awslambda.HttpResponseStream.from(output, { statusCode: 200, headers: { ...SSE_HEADERS } });
  const controller = new AbortController();
  stream.on('close', () => controller.abort());
  stream.on('error', () => controller.abort());
  const lastEventId = event.headers?.['last-event-id'] ?? event.queryStringParameters?.lastEventId;
  try {
    await streamStatus(log, {
      ...(lastEventId ? { lastEventId } : {}),
      write: (chunk) =>
        new Promise<void>((resolve) => {
          if (!stream.write(chunk)) stream.once('drain', () => resolve());
          else resolve();
        }),
      signal: controller.signal,
      maxDurationMs: Math.max(1000, context.getRemainingTimeInMillis() - 5000),
    });
  } catch (error) {
    logger.error('status stream failed', { error: error as Error });
  } finally {
    stream.end();
  }
}

/** The streaming handler over dependencies built on first use (the local runtime passes its own). */
export function createStreamHandler(dependencies: () => StreamDeps): unknown {
  return awslambda.streamifyResponse((event, stream, context) => handleStream(event, stream, context, dependencies()));
}

/** Built on first use: the config is parsed and validated here, at cold start. */
export const dependencies = once(() => streamDependencies({ environment: lambdaEnvironment(), clients }));

export const handler = createStreamHandler(dependencies);

/** What the local runtime needs to build this function's dependencies with its own clients. */
export const observers = { logger };
