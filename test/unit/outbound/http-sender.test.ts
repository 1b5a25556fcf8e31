// Every request here goes to a node:http server on 127.0.0.1, or nowhere: host names resolve
// through an injected fake lookup, and refusals are proven by the server seeing no connection.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RESPONSE_BODY_LIMIT, USER_AGENT, NodeHttpSender, parseRetryAfter } from '../../../shared/outbound/http-sender';
import type { LookupAll } from '../../../shared/outbound/ssrf';
import { TEST_CERTIFICATE, TEST_PRIVATE_KEY } from '../../support/tls-fixture';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Receiver {
  readonly origin: string;
  readonly port: number;
  readonly received: Received[];
  /** TCP connections accepted so far. */
  connections(): number;
  readonly sockets: Socket[];
  close(): Promise<void>;
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function receiver(respond: (request: IncomingMessage, response: ServerResponse, body: Buffer) => void): Promise<Receiver> {
  const received: Received[] = [];
  const sockets: Socket[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      respond(request, response, body);
    });
  });
  server.on('connection', (socket: Socket) => sockets.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanup.push(close);
  return { origin: `http://127.0.0.1:${port}`, port, received, connections: () => sockets.length, sockets, close };
}

function sender(options: Partial<ConstructorParameters<typeof NodeHttpSender>[0]> = {}): NodeHttpSender {
  const created = new NodeHttpSender({ allowPrivateTargets: true, ...options });
  cleanup.push(() => created.close());
  return created;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('NodeHttpSender (node:http and node:https)', () => {
  it('posts the exact body with the signature headers, JSON content type and user agent, and returns status, body and duration', async () => {
    const target = await receiver((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok, thanks'));
    const body = Buffer.concat([json({ type: 'invoice.paid', note: 'grüße 👋' }), Buffer.from([0x20, 0xff, 0x00])]);
    const result = await sender().send({
      url: `${target.origin}/hooks/in?tenant=a`,
      headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc=' },
      body,
      timeoutMs: 5000,
    });

    expect(result).toEqual({ statusCode: 200, durationMs: expect.any(Number), responseBody: 'ok, thanks' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThan(5000);
    const [request] = target.received;
    expect(request).toMatchObject({ method: 'POST', url: '/hooks/in?tenant=a' });
    expect(request!.body.equals(body)).toBe(true);
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'content-length': String(body.length),
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,abc=',
    });
  });

  it('returns error statuses as they are, with their body', async () => {
    const target = await receiver((_request, response) => response.writeHead(503).end('{"error":"busy"}'));
    await expect(sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 5000 })).resolves.toMatchObject({
      statusCode: 503,
      responseBody: '{"error":"busy"}',
    });
  });

  it('keeps only the first 4096 bytes of a 1 MB response and stops reading', async () => {
    let written = 0;
    const target = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (written < 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    const result = await sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 5000 });
    expect(result.statusCode).toBe(200);
    expect(result.responseBody).toBe('a'.repeat(RESPONSE_BODY_LIMIT));
    // The rest is not drained: the connection that carried it is dropped, not kept alive.
    await vi.waitFor(() => expect(target.sockets[0]!.destroyed).toBe(true));
  });

  it('answers well within the timeout when the response body never ends', async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('z'.repeat(1024)), 5);
      response.on('close', () => clearInterval(timer));
    });
    const result = await sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 3000 });
    expect(result).toMatchObject({ statusCode: 200, responseBody: 'z'.repeat(RESPONSE_BODY_LIMIT) });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeLessThan(1000);
  });

  it('cuts the body at 4096 bytes without leaving half a character', async () => {
    // 'é' is two bytes: after one 'x', byte 4096 falls inside a character.
    const target = await receiver((_request, response) => response.writeHead(200).end(`x${'é'.repeat(4000)}`));
    const { responseBody } = await sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 5000 });
    expect(responseBody).toBe(`x${'é'.repeat(2047)}`);
    expect(Buffer.byteLength(responseBody)).toBe(4095);
    expect(responseBody).not.toContain('\uFFFD');
  });

  it('keeps a body of exactly 4096 bytes whole', async () => {
    const target = await receiver((_request, response) => response.writeHead(200).end('b'.repeat(4096)));
    const { responseBody } = await sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 5000 });
    expect(responseBody).toBe('b'.repeat(4096));
  });

  it('does not follow a redirect: the 302 is the result and its Location sees no request', async () => {
    const elsewhere = await receiver((_request, response) => response.writeHead(200).end('followed'));
    const target = await receiver((_request, response) => response.writeHead(302, { location: `${elsewhere.origin}/stolen` }).end());
    const result = await sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 5000 });
    expect(result.statusCode).toBe(302);
    expect(target.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
    expect(elsewhere.connections()).toBe(0);
  });

  it('gives up on a receiver that never answers: status 0, "timeout", within about timeoutMs', async () => {
    const target = await receiver(() => {
      /* never respond */
    });
    const result = await sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 300 });
    expect(result).toEqual({ statusCode: 0, durationMs: expect.any(Number), responseBody: '', error: 'timeout' });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(1500);
  });

  it('gives up on a receiver that answers its headers and then stalls the body', async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('partial');
    });
    const result = await sender().send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 300 });
    expect(result).toMatchObject({ statusCode: 0, error: 'timeout' });
    expect(result.durationMs).toBeLessThan(1500);
  });

  it('reports a closed port as status 0, "connection refused"', async () => {
    const closed = await receiver(() => undefined);
    await closed.close();
    const result = await sender().send({ url: `${closed.origin}/`, headers: {}, body: json({}), timeoutMs: 5000 });
    expect(result).toEqual({ statusCode: 0, durationMs: expect.any(Number), responseBody: '', error: 'connection refused' });
  });

  it('parses Retry-After in delta-seconds and as an HTTP-date', async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const target = await receiver((request, response) =>
      response.writeHead(request.url === '/seconds' ? 429 : 503, { 'retry-after': request.url === '/seconds' ? '120' : inTwoMinutes }).end(),
    );
    const client = sender();
    const bySeconds = await client.send({ url: `${target.origin}/seconds`, headers: {}, body: json({}), timeoutMs: 5000 });
    const byDate = await client.send({ url: `${target.origin}/date`, headers: {}, body: json({}), timeoutMs: 5000 });
    expect(bySeconds).toMatchObject({ statusCode: 429, retryAfterSeconds: 120 });
    expect(byDate.statusCode).toBe(503);
    expect(byDate.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(byDate.retryAfterSeconds).toBeLessThanOrEqual(120);
  });

  it('reuses one kept-alive connection for sequential sends to the same origin', async () => {
    const target = await receiver((_request, response) => response.writeHead(204).end());
    const client = sender();
    for (let i = 0; i < 5; i++) {
      expect((await client.send({ url: `${target.origin}/n/${i}`, headers: {}, body: json({ i }), timeoutMs: 5000 })).statusCode).toBe(204);
      // The agent hands a socket back to the pool once its response has ended (it may see a
      // FIN the server may have sent first); a real caller records the attempt in between.
      await new Promise(setImmediate);
    }
    expect(target.received).toHaveLength(5);
    expect(target.connections()).toBe(1);
  });

  it('does not hold other sends back while one receiver hangs', async () => {
    const slow = await receiver(() => undefined);
    const fast = await receiver((_request, response) => response.writeHead(200).end('fast'));
    const client = sender();
    const hanging = client.send({ url: slow.origin, headers: {}, body: json({}), timeoutMs: 1000 });
    const sameOriginHanging = client.send({ url: `${slow.origin}/also`, headers: {}, body: json({}), timeoutMs: 1000 });
    const started = Date.now();
    expect(await client.send({ url: fast.origin, headers: {}, body: json({}), timeoutMs: 5000 })).toMatchObject({ statusCode: 200 });
    expect(Date.now() - started).toBeLessThan(500);
    expect(await hanging).toMatchObject({ statusCode: 0, error: 'timeout' });
    expect(await sameOriginHanging).toMatchObject({ statusCode: 0, error: 'timeout' });
    expect(slow.connections()).toBe(2);
  });

  describe('with private targets refused', () => {
    it('refuses a loopback IP literal before connecting', async () => {
      const target = await receiver((_request, response) => response.writeHead(200).end());
      for (const url of [target.origin, `http://localhost:${target.port}/`, `http://2130706433:${target.port}/`, `http://[::ffff:127.0.0.1]:${target.port}/`]) {
        const result = await sender({ allowPrivateTargets: false }).send({ url, headers: {}, body: json({}), timeoutMs: 2000 });
        expect(result, url).toEqual({ statusCode: 0, durationMs: expect.any(Number), responseBody: '', error: 'target not allowed: loopback' });
      }
      expect(target.connections()).toBe(0);
    });

    it('refuses a host name that resolves to loopback, inside the connection lookup', async () => {
      const target = await receiver((_request, response) => response.writeHead(200).end());
      const lookup: LookupAll = vi.fn(async () => [{ address: '127.0.0.1', family: 4 }]);
      const result = await sender({ allowPrivateTargets: false, lookup }).send({
        url: `http://receiver.test:${target.port}/`,
        headers: {},
        body: json({}),
        timeoutMs: 2000,
      });
      expect(result).toMatchObject({ statusCode: 0, error: 'target not allowed: loopback' });
      expect(lookup).toHaveBeenCalledWith('receiver.test', expect.objectContaining({ all: true }));
      expect(target.connections()).toBe(0);
    });

    it('refuses a host name that answers a public and a private address', async () => {
      const target = await receiver((_request, response) => response.writeHead(200).end());
      const lookup: LookupAll = async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ];
      const result = await sender({ allowPrivateTargets: false, lookup }).send({
        url: `http://rebind.test:${target.port}/`,
        headers: {},
        body: json({}),
        timeoutMs: 2000,
      });
      expect(result).toMatchObject({ statusCode: 0, error: 'target not allowed: loopback' });
      expect(target.connections()).toBe(0);
    });
  });

  it('connects to exactly the address the lookup checked', async () => {
    const target = await receiver((request, response) => response.writeHead(200).end(request.headers.host));
    const lookup: LookupAll = async () => [{ address: '127.0.0.1', family: 4 }];
    const result = await sender({ allowPrivateTargets: true, lookup }).send({
      url: `http://receiver.test:${target.port}/`,
      headers: {},
      body: json({}),
      timeoutMs: 2000,
    });
    expect(result).toMatchObject({ statusCode: 200, responseBody: `receiver.test:${target.port}` });
  });

  it('never throws: a bad URL or a bad header value is a result with status 0', async () => {
    const target = await receiver((_request, response) => response.writeHead(200).end());
    const client = sender();
    await expect(client.send({ url: 'ftp://example.com/', headers: {}, body: json({}), timeoutMs: 1000 })).resolves.toMatchObject({
      statusCode: 0,
      error: 'invalid url: the scheme must be https or http',
    });
    await expect(client.send({ url: 'not a url', headers: {}, body: json({}), timeoutMs: 1000 })).resolves.toMatchObject({ statusCode: 0 });
    const badHeader = await client.send({ url: target.origin, headers: { 'x-evil': 'a\r\nx-injected: 1' }, body: json({}), timeoutMs: 1000 });
    expect(badHeader).toMatchObject({ statusCode: 0, error: 'invalid request' });
    expect(target.received).toHaveLength(0);
  });

  it('returns status 0 once closed, rather than throwing', async () => {
    const target = await receiver((_request, response) => response.writeHead(200).end());
    const client = new NodeHttpSender({ allowPrivateTargets: true });
    await client.close();
    await expect(client.send({ url: target.origin, headers: {}, body: json({}), timeoutMs: 1000 })).resolves.toMatchObject({
      statusCode: 0,
      error: 'sender closed',
    });
  });
});

describe('Retry-After values', () => {
  const now = Date.parse('2015-10-21T07:26:00Z');

  it('reads delta-seconds and HTTP-dates (a past date is 0)', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(120);
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:28:00 GMT', now)).toBe(120); // RFC 850 form
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:20:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(['60', '120'], now)).toBe(60);
  });

  it('ignores anything else', () => {
    for (const value of [undefined, '', '-5', '1.5', '1e3', 'soon', '2015-10-21', '12 Oct 2015'] as const)
      expect(parseRetryAfter(value, now), value).toBeUndefined();
  });

  describe('over HTTPS', () => {
    async function tlsReceiver(): Promise<{ port: number; connections: () => number; hosts: string[] }> {
      const sockets: Socket[] = [];
      const hosts: string[] = [];
      const server = createTlsServer({ cert: TEST_CERTIFICATE, key: TEST_PRIVATE_KEY }, (request, response) => {
        hosts.push(String(request.headers.host));
        request.resume();
        request.on('end', () => response.writeHead(200).end('secure'));
      });
      server.on('secureConnection', (socket: Socket) => sockets.push(socket));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanup.push(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
      return { port: (server.address() as AddressInfo).port, connections: () => sockets.length, hosts };
    }
    const lookup: LookupAll = async () => [{ address: '127.0.0.1', family: 4 }];

    it('verifies the receiver certificate: one no authority vouches for is a TLS error, never a delivery', async () => {
      const target = await tlsReceiver();
      const result = await sender({ lookup }).send({ url: `https://receiver.test:${target.port}/hook`, headers: {}, body: json({}), timeoutMs: 2000 });
      expect(result).toMatchObject({ statusCode: 0, error: expect.stringMatching(/^tls error: /) });
      expect(target.hosts).toHaveLength(0);
    });

    it('sends through the guarded lookup to a trusted receiver, names it for SNI and the certificate, and keeps the connection alive', async () => {
      const target = await tlsReceiver();
      const client = sender({ lookup, ca: TEST_CERTIFICATE });
      for (let i = 0; i < 3; i++) {
        const result = await client.send({ url: `https://receiver.test:${target.port}/hook`, headers: {}, body: json({ i }), timeoutMs: 2000 });
        expect(result).toMatchObject({ statusCode: 200, responseBody: 'secure' });
        await new Promise(setImmediate);
      }
      expect(target.hosts).toEqual(Array(3).fill(`receiver.test:${target.port}`));
      expect(target.connections()).toBe(1);
    });

    it('refuses a host name that resolves to loopback before any TLS handshake', async () => {
      const target = await tlsReceiver();
      const result = await sender({ allowPrivateTargets: false, lookup, ca: TEST_CERTIFICATE }).send({
        url: `https://receiver.test:${target.port}/hook`,
        headers: {},
        body: json({}),
        timeoutMs: 2000,
      });
      expect(result).toMatchObject({ statusCode: 0, error: 'target not allowed: loopback' });
      expect(target.connections()).toBe(0);
    });
  });
});
