/**
 * The local gateway's edges over real sockets: what Node's HTTP parser refuses by itself (bad
 * HTTP, headers too large, a request too slow) gets the JSON error body; a stalled upload is cut
 * off after the request timeout (API Gateway's 30 s, shortened here); a repeated
 * `webhook-signature` header is read as the Standard Webhooks library reads it.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { LocalGateway, REQUEST_TIMEOUT_MS } from '../../local/gateway';
import { createHarness, type Harness } from '../support/harness';

const TIMEOUT_MS = 1500;
let h: Harness;
let gateway: LocalGateway;
let port: number;

beforeAll(async () => {
  h = await createHarness();
  gateway = new LocalGateway({ requestTimeoutMs: TIMEOUT_MS }).lambda('POST', '/webhooks/{source}', (event) => handleIngress(event, h.receiveDeps()));
  port = await gateway.listen(0);
});
afterAll(async () => gateway?.close());

/** Writes raw bytes on a socket and reads everything until the server closes it (or `waitMs`). */
function exchange(chunks: Array<string | Buffer>, options: { waitMs?: number } = {}): Promise<{ text: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text: Buffer.concat(received).toString('utf8'), elapsedMs: Date.now() - started }));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (options.waitMs) setTimeout(() => socket.end(), options.waitMs);
    });
  });
}

function parsed(text: string): { status: number; headers: string; body: unknown } {
  const [head, ...rest] = text.split('\r\n\r\n');
  return { status: Number(head!.split(' ')[1]), headers: head!.toLowerCase(), body: JSON.parse(rest.join('\r\n\r\n')) as unknown };
}

describe('the local gateway at the HTTP edges', () => {
  it('uses the 30 s of API Gateway HTTP API by default', () => {
    expect(REQUEST_TIMEOUT_MS).toBe(30_000);
  });

  it('answers malformed HTTP with 400 and the JSON error body', async () => {
    const response = parsed((await exchange(['NOT HTTP AT ALL\r\n\r\n'])).text);
    expect(response.status).toBe(400);
    expect(response.headers).toContain('content-type: application/json');
    expect(response.body).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });

  it('answers headers over the limit with 431 and the JSON error body', async () => {
    const response = parsed((await exchange([`POST /webhooks/github HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`])).text);
    expect(response.status).toBe(431);
    expect(response.body).toMatchObject({ error: { code: 'headers_too_large' } });
  });

  it('cuts off a stalled upload after the request timeout with 408 and the JSON error body, and stores nothing', async () => {
    const head =
      'POST /webhooks/github HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-github-delivery: stalled\r\ncontent-length: 100\r\n\r\n{"half":';
    const { text, elapsedMs } = await exchange([head], { waitMs: 10 * TIMEOUT_MS });
    const response = parsed(text);
    expect(response.status).toBe(408);
    expect(response.body).toMatchObject({ error: { code: 'request_timeout' } });
    expect(elapsedMs).toBeLessThan(4 * TIMEOUT_MS);
    expect(await h.store.get('github', 'stalled')).toBeUndefined();
  });

  it('accepts a repeated webhook-signature header (an old and a new secret) as the Standard Webhooks library does', async () => {
    const current = h.secrets.standard!;
    const retired = `whsec_${randomBytes(24).toString('base64')}`;
    const id = `msg_${randomBytes(6).toString('hex')}`;
    const at = new Date();
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } });
    const signatures = [retired, current].map((secret) => new Webhook(secret).sign(id, at, body));
    // Two header lines, as a sender repeating the header sends them.
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request(
        {
          host: '127.0.0.1',
          port,
          path: '/webhooks/standard',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signatures,
          },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    expect(response.status, response.body).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ received: true, id });
    // The library reads the value as API Gateway joins it (with `,`): it takes each part's first entry.
    const joined = [current, retired].map((secret) => new Webhook(secret).sign(id, at, body)).join(',');
    expect(() =>
      new Webhook(current).verify(body, { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': joined }),
    ).not.toThrow();
  });
});
