/**
 * The Lambda runtime's response-streaming globals (`awslambda.streamifyResponse`,
 * `awslambda.HttpResponseStream.from`), for running a streaming handler locally: the stream
 * handed to it writes to the HTTP response, and the metadata becomes the status and headers.
 */
import { Writable } from 'node:stream';
import type { ServerResponse } from 'node:http';

type Meta = { statusCode: number; headers: Record<string, string> };

class ResponseStream extends Writable {
  private meta: Meta = { statusCode: 200, headers: {} };
  private started = false;

  constructor(private readonly response: ServerResponse) {
    super();
    response.on('close', () => this.destroy());
  }

  setMeta(meta: Meta): void {
    this.meta = meta;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.response.writeHead(this.meta.statusCode, this.meta.headers);
    this.response.flushHeaders();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.start();
    this.response.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.start();
    this.response.end(callback);
  }
}

/**
 * Adds the streaming API to `globalThis.awslambda` (the AWS SDK's invoke store may already have
 * created the object, with other members).
 */
export function installLambdaStreaming(): void {
  const global = globalThis as { awslambda?: Record<string, unknown> };
  global.awslambda ??= {};
  const awslambda = global.awslambda;
  awslambda.streamifyResponse ??= <T>(handler: T) => handler;
  awslambda.HttpResponseStream ??= {
    from(stream: Writable, meta: Meta): Writable {
      (stream as ResponseStream).setMeta(meta);
      return stream;
    },
  };
}

/** A writable for `response` that a streamified handler can use as its response stream. */
export function responseStream(response: ServerResponse): Writable {
  return new ResponseStream(response);
}
