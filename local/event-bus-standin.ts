/**
 * A local STAND-IN for Amazon EventBridge (there is no EventBridge emulator): an HTTP server
 * speaking the one operation the gateway uses, `PutEvents`, in EventBridge's own protocol (AWS
 * JSON 1.1: `POST /`, `X-Amz-Target: AWSEvents.PutEvents`, `Content-Type:
 * application/x-amz-json-1.1`), so the processor's real `@aws-sdk/client-eventbridge` client
 * sends to it unchanged. It checks each entry as the service documents (Source, DetailType and
 * Detail present, Detail a JSON object, the entry at most 256 KB) and keeps what it accepted;
 * it evaluates no rules and delivers nowhere. `GET /events` lists what it received.
 *
 * PutEvents: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event as the stand-in accepted it. */
export interface ReceivedBusEvent {
  readonly id: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  readonly time: string;
  readonly detail: unknown;
  readonly receivedAt: string;
  /** The access key the request was signed with (SigV4 `Credential=`), to show whose credentials sent it. */
  readonly accessKeyId?: string;
}

interface Entry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Time?: unknown;
  readonly Resources?: unknown;
}

const ENTRY_LIMIT_BYTES = 256 * 1024;

export class EventBusStandIn {
  readonly received: ReceivedBusEvent[] = [];
  private server: Server | undefined;
  private readonly refusing = new Map<string, string>();

  /** Fails every entry for `eventBus` with `errorCode` (as PutEvents reports a failed entry) until `accept`. */
  refuse(eventBus: string, errorCode = 'ThrottlingException'): this {
    this.refusing.set(busName(eventBus), errorCode);
    return this;
  }

  accept(eventBus: string): this {
    this.refusing.delete(busName(eventBus));
    return this;
  }

  /** Starts listening on loopback; resolves with the endpoint to give the SDK client. */
  async listen(port = 0): Promise<string> {
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /** What a bus (by name or ARN) received, oldest first. */
  eventsOn(eventBus: string): ReceivedBusEvent[] {
    const name = busName(eventBus);
    return this.received.filter((event) => event.eventBusName === name);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method === 'GET' && request.url === '/events') return reply(response, 200, { events: this.received });
    const target = request.headers['x-amz-target'];
    if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      return reply(response, 400, { __type: 'UnknownOperationException', message: `the stand-in serves AWSEvents.PutEvents only, not ${String(target)}` });
    }
    let input: { Entries?: unknown };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: unknown };
    } catch {
      return reply(response, 400, { __type: 'SerializationException', message: 'the request body is not JSON' });
    }
    if (!Array.isArray(input.Entries) || input.Entries.length < 1 || input.Entries.length > 10) {
      return reply(response, 400, { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' });
    }
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    const results = (input.Entries as Entry[]).map((entry) => this.take(entry, accessKeyId));
    reply(response, 200, { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results });
  }

  private take(entry: Entry, accessKeyId: string | undefined): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string' || typeof entry.Detail !== 'string') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object' };
    const size = 14 + Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail);
    if (size > ENTRY_LIMIT_BYTES) return { ErrorCode: 'InvalidArgument', ErrorMessage: `entry is ${size} bytes, above 256 KB` };
    const bus = busName(typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default');
    const refusal = this.refusing.get(bus);
    if (refusal) return { ErrorCode: refusal, ErrorMessage: `the stand-in refuses entries for ${bus}` };
    const id = randomUUID();
    const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000).toISOString() : new Date().toISOString();
    this.received.push({
      id,
      eventBusName: bus,
      source: entry.Source,
      detailType: entry.DetailType,
      time,
      detail,
      receivedAt: new Date().toISOString(),
      ...(accessKeyId ? { accessKeyId } : {}),
    });
    return { EventId: id };
  }
}

/** A bus named by ARN (`…:event-bus/orders`) or by name (`orders`). */
function busName(bus: string): string {
  return bus.startsWith('arn:') ? bus.slice(bus.indexOf(':event-bus/') + ':event-bus/'.length) : bus;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}
