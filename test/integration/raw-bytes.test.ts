/**
 * Bytes exactly as received, through the local gateway over real HTTP: a body that is not UTF-8
 * under a text content type, and a gzip body, are signed over their bytes (GitHub's scheme) and
 * accepted; the record holds the same bytes. The UTF-8 case is signed by @octokit/webhooks-methods.
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleIngress } from '../../functions/ingress/handler';
import { LocalGateway } from '../../local/gateway';
import { loadBody } from '../../shared/inbound/webhook-event';
import { InMemoryPayloadStore } from '../fakes/payload-store';
import { createHarness, type Harness } from '../support/harness';

let h: Harness;
let gateway: LocalGateway;
let port: number;

beforeAll(async () => {
  h = await createHarness();
  gateway = new LocalGateway().lambda('POST', '/webhooks/{source}', (event) => handleIngress(event, h.receiveDeps()));
  port = await gateway.listen(0);
});
afterAll(async () => gateway?.close());

/** POSTs raw bytes (no client-side re-encoding) and answers the status and body. */
function post(path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function githubDelivery(id: string, body: Buffer, headers: Record<string, string>) {
  // GitHub's scheme over the bytes themselves: @octokit/webhooks-methods' sign takes text (UTF-8), which cannot express these bodies.
  const signature = `sha256=${createHmac('sha256', h.secrets.github!).update(body).digest('hex')}`;
  return post('/webhooks/github', { ...headers, 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': signature }, body);
}

describe('raw bytes through the local gateway', () => {
  it('accepts a body that is not valid UTF-8 under a text content type, signed over its bytes, and stores those bytes', async () => {
    const body = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' au lait \xff\xfe', 'latin1')]);
    const response = await githubDelivery('raw-latin1', body, { 'content-type': 'text/plain; charset=iso-8859-1' });
    expect(response.status, response.body).toBe(200);
    const record = await h.store.get('github', 'raw-latin1');
    expect(Buffer.compare(await loadBody(record!, new InMemoryPayloadStore()), body)).toBe(0);
  });

  it('accepts a gzip body under application/json with Content-Encoding gzip, signed over the compressed bytes', async () => {
    const body = gzipSync(JSON.stringify({ ref: 'refs/heads/main', commits: Array.from({ length: 50 }, (_, i) => ({ id: i })) }));
    const response = await githubDelivery('raw-gzip', body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.status, response.body).toBe(200);
    const record = await h.store.get('github', 'raw-gzip');
    expect(Buffer.compare(await loadBody(record!, new InMemoryPayloadStore()), body)).toBe(0);
  });

  it('passes valid UTF-8 text as text and refuses a signature over other bytes', async () => {
    const text = JSON.stringify({ zen: 'café ☃ 𝄞' });
    const body = Buffer.from(text);
    const signed = await post(
      '/webhooks/github',
      {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'raw-utf8',
        'x-hub-signature-256': await sign(h.secrets.github!, text),
      },
      body,
    );
    expect(signed.status, signed.body).toBe(200);
    const forged = await post(
      '/webhooks/github',
      {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'raw-forged',
        'x-hub-signature-256': await sign(h.secrets.github!, 'other'),
      },
      body,
    );
    expect(forged.status).toBe(401);
  });
});
