/**
 * A webhook receiver on loopback for outbound tests: records every request (headers and exact
 * body bytes) and answers with scripted statuses per path.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly at: number;
}

export interface Reply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, Reply[]>();
  private server?: Server;
  private port = 0;

  /** Replies for a path, used in order; the last one repeats. Unscripted paths answer 200. */
  script(path: string, ...replies: Array<Reply | number>): this {
    this.scripts.set(
      path,
      replies.map((reply) => (typeof reply === 'number' ? { status: reply } : reply)),
    );
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  received(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = new URL(request.url ?? '/', 'http://x').pathname;
        this.requests.push({ path, headers: request.headers, body: Buffer.concat(chunks), at: Date.now() });
        const replies = this.scripts.get(path);
        const reply = (replies && (replies.length > 1 ? replies.shift() : replies[0])) ?? { status: 200, body: 'ok' };
        setTimeout(() => {
          if (response.destroyed) return;
          response.writeHead(reply.status, { 'content-type': 'text/plain', ...(reply.headers ?? {}) });
          response.end(reply.body ?? '');
        }, reply.delayMs ?? 0);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
