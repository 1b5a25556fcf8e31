/**
 * The live status stream over real HTTP: `streamStatus` served by a `node:http` server over the
 * status log in DynamoDB Local, read by a real HTTP client. A client that disconnects and
 * reconnects with `Last-Event-ID` receives exactly what it missed, in order, once.
 */
import { createServer, request, type ClientRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusChange } from '../../shared/status/status-log';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStatusLog, STATUS_SHARDS } from '../../shared/store/dynamodb/status-log';
import { SSE_HEADERS, streamStatus } from '../../shared/status/stream';
import { createHarness } from '../support/harness';
import { eventually } from '../support/receiver';

interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
}

/** A Server-Sent Events reader over one HTTP response: events, comments and the raw headers. */
class SseConnection {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  headers: IncomingHttpHeaders = {};
  status = 0;
  closed = false;
  private buffer = '';
  private readonly request: ClientRequest;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.request = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      this.status = response.statusCode ?? 0;
      this.headers = response.headers;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => this.feed(chunk));
      response.on('close', () => (this.closed = true));
    });
    this.request.on('error', () => (this.closed = true));
    this.request.end();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id' || field === 'event' || field === 'data') event[field] = value;
        }
      }
      if (event.data !== undefined || event.id !== undefined) this.events.push(event);
    }
  }

  /** The client goes away mid-stream. */
  disconnect(): void {
    this.request.destroy();
  }
}

const harness = await createHarness();
const log = new DynamoDbStatusLog(harness.clients.documents, harness.resources.tableName);
let server: Server;
let url: string;
/** Streams the server is serving right now; a disconnect must end its stream. */
let openStreams = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { ...SSE_HEADERS });
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const lastEventId = req.headers['last-event-id'];
    openStreams++;
    streamStatus(log, {
      ...(typeof lastEventId === 'string' ? { lastEventId } : {}),
      write: (chunk) => {
        res.write(chunk);
      },
      signal: controller.signal,
      pollMs: 25,
      keepAliveMs: 150,
      settleMs: 0,
    })
      .catch(() => undefined)
      .finally(() => {
        openStreams--;
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/stream`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Appends changes one by one, a few milliseconds apart so their order is their time order. */
async function appendAll(changes: StatusChange[]): Promise<string[]> {
  const ids: string[] = [];
  for (const change of changes) {
    ids.push(await log.append(change));
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  return ids;
}

function delivery(type: StatusChange['type'], messageId: string, statusCode: number): StatusChange {
  return { type, data: { messageId, endpointId: 'ep_stream', statusCode } };
}

function parsed(events: readonly SseEvent[]): Array<{ id: string | undefined; event: string | undefined; data: Record<string, unknown> }> {
  return events.map((event) => ({ id: event.id, event: event.event, data: JSON.parse(event.data ?? '{}') as Record<string, unknown> }));
}

describe('status stream over HTTP', () => {
  it('resumes after a disconnect with Last-Event-ID: exactly the missed events, in order, once', async () => {
    const first = new SseConnection(url);
    await eventually(async () => first.comments.includes('connected'), 10_000, 'the connected comment');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(first.headers['cache-control']).toContain('no-cache');

    const before = await appendAll([
      delivery('delivery.attempted', 'msg_1', 500),
      delivery('delivery.failed', 'msg_1', 500),
      { type: 'event.received', data: { source: 'stripe', eventId: 'evt_1', eventType: 'invoice.paid' } },
    ]);
    await eventually(async () => first.events.length >= 3, 10_000, 'the first three events');
    // Idle for longer than keepAliveMs: the stream sends comment lines to keep the connection open.
    await eventually(async () => first.comments.includes('keep-alive'), 10_000, 'a keep-alive comment');
    expect(first.events.map((event) => event.id)).toEqual(before);
    expect(parsed(first.events)).toMatchObject([
      { event: 'delivery.attempted', data: { type: 'delivery.attempted', messageId: 'msg_1', statusCode: 500 } },
      { event: 'delivery.failed', data: { type: 'delivery.failed', messageId: 'msg_1' } },
      { event: 'event.received', data: { type: 'event.received', source: 'stripe', eventId: 'evt_1' } },
    ]);

    first.disconnect();
    await eventually(async () => first.closed && openStreams === 0, 10_000, 'the server to end the stream of the client that left');
    const lastId = first.events.at(-1)!.id!;

    const missed = await appendAll([
      delivery('delivery.attempted', 'msg_2', 503),
      delivery('delivery.succeeded', 'msg_2', 200),
      { type: 'endpoint.disabled', data: { endpointId: 'ep_stream', reason: 'gone' } },
    ]);
    const second = new SseConnection(url, { 'last-event-id': lastId });
    await eventually(async () => second.events.length >= 3, 10_000, 'the missed events');
    const later = await appendAll([delivery('delivery.exhausted', 'msg_3', 500)]);
    await eventually(async () => second.events.length >= 4, 10_000, 'the event appended after the reconnect');
    // Several more polls: nothing else (no repeat of what the first connection had) arrives.
    await new Promise((resolve) => setTimeout(resolve, 400));

    const ids = second.events.map((event) => event.id);
    expect(ids).toEqual([...missed, ...later]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.some((id) => before.includes(id!))).toBe(false);
    expect(parsed(second.events).map((event) => [event.event, event.data.messageId ?? event.data.endpointId])).toEqual([
      ['delivery.attempted', 'msg_2'],
      ['delivery.succeeded', 'msg_2'],
      ['endpoint.disabled', 'ep_stream'],
      ['delivery.exhausted', 'msg_3'],
    ]);
    expect(second.comments).toContain('keep-alive');
    expect(second.headers['cache-control']).toContain('no-cache');
    second.disconnect();
    await eventually(async () => openStreams === 0, 10_000, 'the second stream to end');
  });
});

describe('status log partitions', () => {
  it('spreads a minute over its shards, and reads them back merged in time order, page by page, each entry once', async () => {
    const minute = '2026-11-23T06:49';
    const start = Date.parse(`${minute}:00.000Z`);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push(await log.append({ type: 'event.received', data: { source: 'github', eventId: `evt_${i}`, eventType: 'push' } }, new Date(start + i * 7)));
    }

    // No one partition key holds the minute: its entries sit in many of the shards' partitions.
    const perShard = await Promise.all(
      Array.from({ length: STATUS_SHARDS }, async (_, shard) => {
        const result = await harness.clients.documents.send(
          new QueryCommand({
            TableName: harness.resources.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `STATUS#${minute.slice(0, 13)}#${shard}` },
            Select: 'COUNT',
          }),
        );
        return result.Count ?? 0;
      }),
    );
    expect(perShard.reduce((a, b) => a + b, 0)).toBe(60);
    expect(perShard.filter((count) => count > 0).length).toBeGreaterThan(STATUS_SHARDS / 2);
    expect(Math.max(...perShard)).toBeLessThan(30);

    // Pages of 3 across the shards (a shard with more stops the page at its third): every entry once, in the order written.
    const now = new Date(start + 120_000);
    const read: string[] = [];
    let position: string | undefined = `${minute}|${minute}:00.000Z#00000000`;
    for (let page = 0; page < 60; page++) {
      const next = await log.readAfter(position, { now, settleMs: 0, limit: 3 });
      if (next.entries.length === 0) break;
      expect(next.entries.length).toBeLessThanOrEqual(3);
      read.push(...next.entries.map((entry) => entry.id));
      position = next.position;
    }
    expect(read.slice(0, 60)).toEqual(ids);
    expect(read).toHaveLength(60);
    expect((await log.readMinute(minute)).map((entry) => entry.id)).toEqual(ids);
    const many = await log.readMinutes([minute, '2026-11-23T06:48', '2026-11-23T06:50']);
    expect(many.get(minute)!.map((entry) => entry.id)).toEqual(ids);
    expect(many.get('2026-11-23T06:48')).toEqual([]);
    expect(many.get('2026-11-23T06:50')).toEqual([]);
  });
});
