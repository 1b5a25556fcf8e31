/**
 * The operator console's views in Debian's Chromium against `npm start` (issue 19): the
 * overview's charts read back from what they draw and held against the attempts the API lists,
 * live; endpoints created, edited (headers, filter, transform tried on a sample first), tested,
 * rotated and deleted from the page; an event and a message in detail, found by search; both
 * dead-letter queues with a redrive; and every view checked with axe-core and the keyboard
 * under the strict CSP.
 */
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';
import { eventually, Receiver } from '../support/receiver';
import { axeViolations, collectErrors, envEntries, jsonClient, launchChromium, screenshot } from './support';

let runtime: RuntimeProcess;
let receiver: Receiver;
let browser: Browser;
let page: Page;
let api: ReturnType<typeof jsonClient>;
let errors: string[];
let cliEnv: Record<string, string>;
const ids = { ok: '', down: '', messages: [] as string[], malformed: '' };

async function send(source: string, count: number): Promise<void> {
  const { code, output } = await runCli('local/send.ts', [source, '--count', String(count)], cliEnv);
  expect(code, output).toBe(0);
}

/** What the charts must show, from the attempt records (not from the stats route). */
async function attemptsByEndpoint(): Promise<Map<string, { succeeded: number; failed: number; durations: number[] }>> {
  const totals = new Map<string, { succeeded: number; failed: number; durations: number[] }>();
  for (const id of ids.messages) {
    for (const attempt of (await api(`/api/v1/messages/${id}/attempts`)).body.attempts as Array<{ endpointId: string; outcome: string; durationMs: number }>) {
      const entry = totals.get(attempt.endpointId) ?? { succeeded: 0, failed: 0, durations: [] };
      entry[attempt.outcome === 'succeeded' ? 'succeeded' : 'failed']++;
      entry.durations.push(attempt.durationMs);
      totals.set(attempt.endpointId, entry);
    }
  }
  return totals;
}

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

/** Every drawn value of a series in a chart, and the points' geometry against the chart's scale. */
async function drawn(chart: string, series: string): Promise<{ values: number[]; consistent: boolean; buckets: number }> {
  return page.evaluate(
    ({ chart, series }) => {
      const figure = document.querySelector(`[data-chart="${CSS.escape(chart)}"]`);
      const svg = figure?.querySelector('svg');
      if (!svg) return { values: [], consistent: false, buckets: 0 };
      const top = Number(svg.dataset.yTop);
      const plotTop = Number(svg.dataset.plotTop);
      const plotBottom = Number(svg.dataset.plotBottom);
      const marks = [...svg.querySelectorAll<SVGElement>(`[data-series="${series}"][data-value]`)];
      const values = marks.map((mark) => Number(mark.dataset.value));
      let stackBase = 0;
      const consistent = marks.every((mark, index) => {
        const value = values[index]!;
        if (value > top) return false;
        if (mark.tagName === 'circle') return Math.abs(Number(mark.getAttribute('cy')) - (plotBottom - (value / top) * (plotBottom - plotTop))) < 0.05;
        stackBase = 0;
        return Math.abs(Number(mark.getAttribute('height')) - (value / top) * (plotBottom - plotTop)) < 0.05;
      });
      void stackBase;
      return { values, consistent, buckets: marks.length };
    },
    { chart, series },
  );
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  receiver = await new Receiver().start();
  receiver.script('/ok', 200);
  receiver.script('/down', { status: 500, body: 'upstream exploded' });
  runtime = await startRuntimeProcess({ env: { DELIVERY_RETRY_SCHEDULE: '1,1' } });
  api = jsonClient(runtime.url);
  cliEnv = { PORT: String(runtime.port), WEBHOOKS_ENV_FILE: runtime.envFile, ...envEntries(runtime.envFile) };

  ids.ok = (
    await api('/api/v1/endpoints', { method: 'POST', body: { url: receiver.url('/ok'), eventTypes: ['invoice.*'], description: 'Billing service' } })
  ).body.id;
  ids.down = (
    await api('/api/v1/endpoints', { method: 'POST', body: { url: receiver.url('/down'), eventTypes: ['invoice.*'], description: 'Ledger (down)' } })
  ).body.id;
  for (let i = 0; i < 4; i++)
    ids.messages.push(
      (await api('/api/v1/messages', { method: 'POST', body: { eventType: 'invoice.paid', payload: { id: `in_${i}`, amount: 1000 + i } } })).body.id,
    );
  await send('stripe', 3);
  await send('github', 2);

  // An authentic GitHub delivery whose body is not JSON: processed once, failed, dead-lettered.
  ids.malformed = randomUUID();
  const body = '{"action": "opened", "truncated';
  const response = await fetch(`${runtime.url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': ids.malformed,
      'x-hub-signature-256': await sign(cliEnv.WEBHOOK_SECRET_GITHUB!, body),
    },
    body,
  });
  expect(response.status).toBe(200);

  await eventually(
    async () => {
      const messages = await Promise.all(ids.messages.map(async (id) => (await api(`/api/v1/messages/${id}`)).body.deliveries as Array<{ status: string }>));
      return messages.every((deliveries) => deliveries.length === 2 && deliveries.every((d) => d.status === 'succeeded' || d.status === 'exhausted'));
    },
    60_000,
    'every delivery to finish',
  );
  await eventually(async () => (await api('/api/v1/dlq/inbound')).body.depth === 1, 30_000, 'the malformed event in the DLQ');

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await receiver?.stop();
});

describe('overview', () => {
  it('draws the last hour from the status log: inbound per source, and attempts, success rate and p50/p99 per endpoint, as the records say', async () => {
    const response = await page.goto(`${runtime.url}/console`);
    expect(response!.headers()['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self' 'sha256-[^']+'; style-src 'self' 'sha256-[^']+'/);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.locator('[data-chart="inbound:stripe"]').waitFor();

    const stripe = await drawn('inbound:stripe', 'received');
    expect(stripe.buckets).toBe(60);
    expect(stripe.consistent).toBe(true);
    expect(sum(stripe.values)).toBe(3);
    expect(sum((await drawn('inbound:stripe', 'processed')).values)).toBe(3);
    expect(sum((await drawn('inbound:github', 'received')).values)).toBe(3);
    expect(sum((await drawn('inbound:github', 'processed')).values)).toBe(2);
    expect(sum((await drawn('inbound:github', 'failed')).values)).toBe(1);
    expect(sum((await drawn('inbound:github', 'deadLettered')).values)).toBe(1);

    const records = await attemptsByEndpoint();
    for (const id of [ids.ok, ids.down]) {
      const expected = records.get(id)!;
      const succeeded = await drawn(`attempts:${id}`, 'succeeded');
      const failed = await drawn(`attempts:${id}`, 'failed');
      expect(succeeded.consistent && failed.consistent).toBe(true);
      expect({ succeeded: sum(succeeded.values), failed: sum(failed.values) }).toEqual({ succeeded: expected.succeeded, failed: expected.failed });
      const figure = page.locator(`[data-chart="latency:${id}"]`);
      const rate = Number(await figure.getAttribute('data-success-rate'));
      expect(rate).toBeCloseTo(expected.succeeded / (expected.succeeded + expected.failed), 3);
      for (const [q, attribute] of [
        [0.5, 'data-p50'],
        [0.99, 'data-p99'],
      ] as const) {
        const exact = nearestRank(expected.durations, q);
        expect(Math.abs(Number(await figure.getAttribute(attribute)) - exact)).toBeLessThanOrEqual(Math.max(0.05 * exact, 1));
      }
      expect((await drawn(`latency:${id}`, 'p50Ms')).consistent).toBe(true);
    }
    expect(records.get(ids.ok)).toMatchObject({ succeeded: 4, failed: 0 });
    expect(records.get(ids.down)).toMatchObject({ succeeded: 0, failed: 12 });

    // Readable axes: time labels along the bottom, value ticks from 0 up to the top of the scale.
    const axes = await page.locator('[data-chart="inbound:stripe"] svg').evaluate((svg) => ({
      x: [...svg.querySelectorAll('.axis.x text')].map((t) => t.textContent),
      y: [...svg.querySelectorAll('.axis.y text')].map((t) => Number(t.textContent)),
      top: Number((svg as SVGSVGElement).dataset.yTop),
    }));
    expect(axes.x.filter((text) => /\d{1,2}:\d{2}/.test(text ?? '')).length).toBeGreaterThanOrEqual(5);
    expect(axes.y[0]).toBe(0);
    expect(axes.y.at(-1)).toBe(axes.top);
    expect(await page.locator('[data-tile="received"]').getAttribute('data-value')).toBe('6');
    await screenshot(page, 'overview');
  });

  it('updates live from the status stream as events arrive, without a reload', async () => {
    await eventually(async () => (await page.locator('#live-state').textContent()) === 'connected', 15_000, 'the live stream');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await send('stripe', 2);
    await eventually(async () => sum((await drawn('inbound:stripe', 'processed')).values) === 5, 30_000, 'the new events on the chart');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  });

  it('switches to the last 24 hours by quarter hour', async () => {
    await page.getByLabel('Last 24 hours').check();
    await eventually(async () => (await drawn('inbound:stripe', 'received')).buckets === 96, 15_000, 'the day view');
    expect(sum((await drawn('inbound:stripe', 'received')).values)).toBe(5);
    expect(sum((await drawn(`attempts:${ids.down}`, 'failed')).values)).toBe(12);
    await page.getByLabel('Last hour').check();
    await eventually(async () => (await drawn('inbound:stripe', 'received')).buckets === 60, 15_000, 'the hour view');
  });
});

describe('endpoints', () => {
  let created = '';

  it('creates an endpoint with headers, after trying its filter and transform on a sample payload', async () => {
    await page.getByRole('link', { name: 'Endpoints', exact: true }).click();
    await page.locator('#endpoints-body tr[data-endpoint-id]').first().waitFor();
    expect(await page.locator(`#endpoints-body tr[data-endpoint-id="${ids.ok}"]`).count()).toBe(1);
    await screenshot(page, 'endpoints');
    await page.getByRole('link', { name: 'Create endpoint' }).click();
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/new'));
    await page.getByLabel('Description').fill('Orders');
    await page.getByLabel('Event types').fill('order.*\ninvoice.paid');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Team');
    await page.getByLabel('Header 1 value').fill('billing');

    await page.getByLabel('Filter', { exact: true }).fill('amount > 100');
    await page.getByLabel('Transform', { exact: true }).fill('{"id": id, "cents": amount, "kind": type}');
    await page.getByLabel('Sample payload (JSON)').fill('{"id": "o_1", "amount": 250}');
    await page.getByRole('button', { name: 'Try on the sample' }).click();
    const result = page.locator('#ep-try-result');
    await eventually(async () => (await result.getAttribute('data-outcome')) === 'sent', 10_000, 'the evaluation');
    expect(JSON.parse((await page.locator('#ep-try-body').textContent())!)).toEqual({ id: 'o_1', cents: 250 });

    await page.getByLabel('Sample payload (JSON)').fill('{"id": "o_2", "amount": 50}');
    await page.getByRole('button', { name: 'Try on the sample' }).click();
    await eventually(async () => (await result.getAttribute('data-outcome')) === 'filtered', 10_000, 'the filtered evaluation');

    await page.getByLabel('Transform', { exact: true }).fill('{"id": ');
    await page.getByLabel('Sample payload (JSON)').fill('{"id": "o_3", "amount": 500}');
    await page.getByRole('button', { name: 'Try on the sample' }).click();
    await eventually(async () => (await result.getAttribute('data-outcome')) === 'failed', 10_000, 'the failed evaluation');
    expect(await result.textContent()).toContain('invalid_expression');
    await screenshot(page, 'endpoint-editor');

    await page.getByLabel('Transform', { exact: true }).fill('{"id": id, "cents": amount, "kind": type}');
    await page.getByLabel('Filter', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('#ep-secret-value').waitFor();
    created = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    const endpoint = (await api(`/api/v1/endpoints/${created}`)).body;
    expect(endpoint).toMatchObject({
      url: receiver.url('/new'),
      description: 'Orders',
      eventTypes: ['order.*', 'invoice.paid'],
      headers: { 'x-team': 'billing' },
      transform: '{"id": id, "cents": amount, "kind": type}',
    });
    expect(endpoint).not.toHaveProperty('filter');
    expect(await page.locator('#ep-secret-value').inputValue()).toBe((await api(`/api/v1/endpoints/${created}/secret`)).body.secret);
  });

  it('sends a test message to that endpoint only', async () => {
    const before = { ok: receiver.received('/ok').length, down: receiver.received('/down').length };
    await page.getByRole('button', { name: 'Send test message' }).click();
    const link = page.locator('#ep-action-result [data-message-id]');
    await link.waitFor();
    const messageId = (await link.getAttribute('data-message-id'))!;
    const request = await eventually(async () => receiver.received('/new').find((r) => r.headers['webhook-id'] === messageId), 20_000, 'the test delivery');
    expect(request.headers['x-team']).toBe('billing');
    // The transform applies to a test as to any message.
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({ kind: 'webhook.test' });
    expect({ ok: receiver.received('/ok').length, down: receiver.received('/down').length }).toEqual(before);
  });

  it('edits the URL, event types, filter, headers and enabled state', async () => {
    await page.getByLabel('URL', { exact: true }).fill(receiver.url('/new-2'));
    await page.getByLabel('Event types').fill('order.created');
    await page.getByLabel('Filter', { exact: true }).fill('cents > 0');
    await page.getByLabel('Header 1 value').fill('payments');
    await page.getByLabel('Enabled').uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (await page.getByRole('status').textContent())?.includes('saved'), 10_000, 'the save');
    expect((await api(`/api/v1/endpoints/${created}`)).body).toMatchObject({
      url: receiver.url('/new-2'),
      eventTypes: ['order.created'],
      filter: 'cents > 0',
      headers: { 'x-team': 'payments' },
      enabled: false,
    });
    await page.getByLabel('Enabled').check();
    await page.getByRole('button', { name: 'Remove header 1' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (await api(`/api/v1/endpoints/${created}`)).body.enabled === true, 10_000, 're-enabled');
    expect((await api(`/api/v1/endpoints/${created}`)).body).not.toHaveProperty('headers');
  });

  it('rotates the secret after a confirmation, and deletes the endpoint after another (Escape cancels)', async () => {
    const before = (await api(`/api/v1/endpoints/${created}/secret`)).body.secret;
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-no');
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    await eventually(async () => (await page.locator('#ep-secret-value').inputValue()) !== before, 10_000, 'the new secret');
    const secrets = (await api(`/api/v1/endpoints/${created}/secret`)).body;
    expect(secrets.secret).toBe(await page.locator('#ep-secret-value').inputValue());
    expect(secrets.previous.map((entry: { secret: string }) => entry.secret)).toEqual([before]);

    await page.getByRole('button', { name: 'Delete endpoint' }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    expect(await dialog.isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('ep-delete');
    expect((await api(`/api/v1/endpoints/${created}`)).status).toBe(200);

    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#endpoints-body').waitFor();
    await eventually(async () => (await api(`/api/v1/endpoints/${created}`)).status === 404, 10_000, 'the deletion');
    expect(new URL(page.url()).hash).toBe('#/endpoints');
  });

  it('makes a tenant portal link', async () => {
    await page.getByLabel('Tenant id').fill('acme');
    await page.getByRole('button', { name: 'Create link' }).click();
    const url = await page.locator('#portal-link-url').inputValue();
    expect(url).toMatch(new RegExp(`^${runtime.url}/portal#token=v1\\.`));
  });
});

describe('detail views and search', () => {
  it('finds an inbound event by its id and shows its kept headers and pretty-printed body', async () => {
    const [event] = (await api('/api/v1/sources/stripe/events?limit=1')).body.events;
    await page.getByLabel('Search', { exact: true }).fill(event.id);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: `stripe / ${event.id}` }).click();
    await page.locator('#event-body').waitFor();
    const raw = (await api(`/api/v1/sources/stripe/events/${event.id}/body`)).body.body as string;
    expect(await page.locator('#event-body').textContent()).toBe(JSON.stringify(JSON.parse(raw), null, 2));
    const headers = await page.locator('#event-headers tbody th').allTextContents();
    expect(headers).toContain('content-type');
    expect(headers).not.toContain('stripe-signature');
    expect(await page.locator(`[data-view="event"] [data-status]`).textContent()).toBe('processed');
    await screenshot(page, 'event');
  });

  it('finds a message by its id and shows its payload and every attempt: headers without signatures, status, body excerpt, duration', async () => {
    const messageId = ids.messages[0]!;
    await page.getByLabel('Search', { exact: true }).fill(messageId);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: messageId }).click();
    await page.locator('#message-payload').waitFor();
    expect(JSON.parse((await page.locator('#message-payload').textContent())!)).toEqual({ id: 'in_0', amount: 1000 });
    expect(await page.locator('#message-payload').textContent()).toContain('\n  "amount": 1000');
    const failing = page.locator(`ol.attempts[data-endpoint-id="${ids.down}"] > li`);
    expect(await failing.count()).toBe(3);
    const text = (await failing.first().textContent())!;
    expect(text).toContain('500');
    expect(text).toContain('upstream exploded');
    expect(text).toMatch(/\d+ ms/);
    expect(text).toContain(`webhook-id: ${messageId}`);
    expect(text).not.toMatch(/webhook-signature/i);
    expect(await page.locator(`ol.attempts[data-endpoint-id="${ids.ok}"] > li`).count()).toBe(1);
    await screenshot(page, 'message');
  });

  it('finds endpoints by a part of their URL', async () => {
    await page.getByLabel('Search', { exact: true }).fill('/down');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('#search-summary').waitFor();
    expect(await page.locator('#search-summary').getAttribute('data-found')).toBe('1');
    await screenshot(page, 'search');
    await page.getByRole('link', { name: receiver.url('/down') }).click();
    await eventually(async () => (await page.getByLabel('URL', { exact: true }).inputValue()) === receiver.url('/down'), 10_000, 'the endpoint editor');
  });
});

describe('dead letters', () => {
  it('shows both queues with their depth, oldest age and a sample, and redrives the inbound one', async () => {
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const inbound = page.locator('section[data-queue="inbound"]');
    await inbound.locator('[data-depth]').waitFor();
    expect(await inbound.locator('[data-depth]').getAttribute('data-depth')).toBe('1');
    expect(Number(await inbound.locator('[data-oldest-age-seconds]').getAttribute('data-oldest-age-seconds'))).toBeGreaterThanOrEqual(0);
    await inbound.getByRole('link', { name: `github / ${ids.malformed}` }).waitFor();
    const outbound = page.locator('section[data-queue="outbound"]');
    expect(await outbound.locator('[data-depth]').getAttribute('data-depth')).toBe('0');
    await screenshot(page, 'dead-letters');

    const attemptsBefore = (await api(`/api/v1/sources/github/events/${ids.malformed}`)).body.attempts;
    await inbound.getByRole('button', { name: 'Redrive inbound dead letters' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Redrive' }).click();
    // A count moved (the receive-and-send redrive) or a started move task (SQS's own): either is announced.
    await eventually(
      async () =>
        /^(Moved 1 message\(s\) back to the inbound queue\.|Redrive of the inbound dead letters started)/.test(
          (await page.getByRole('status').textContent()) ?? '',
        ),
      15_000,
      'the redrive',
    );
    // Processed again (and, still malformed, dead-lettered again).
    await eventually(
      async () => (await api(`/api/v1/sources/github/events/${ids.malformed}`)).body.attempts > attemptsBefore,
      30_000,
      'another processing attempt',
    );
  });
});

describe('accessibility', () => {
  it('passes axe-core’s WCAG 2.1 AA rules (labels, names, contrast) on every view', async () => {
    const views = [
      '#/',
      '#/endpoints',
      '#/endpoints/new',
      `#/endpoints/${ids.ok}`,
      `#/messages/${ids.messages[1]}`,
      `#/events/github/${ids.malformed}`,
      '#/search/%2Fok',
      '#/dead-letters',
    ];
    for (const view of views) {
      await page.goto(`${runtime.url}/console${view}`);
      await page.locator('body[data-ready="true"]').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await axeViolations(page), view).toEqual([]);
    }
  });

  it('is usable from the keyboard: skip link, navigation moves focus to the view, visible focus', async () => {
    await page.goto(`${runtime.url}/console`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Overview and activity');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(
      () => `${getComputedStyle(document.activeElement!).outlineStyle} ${getComputedStyle(document.activeElement!).outlineWidth}`,
    );
    expect(outline).toBe('solid 3px');
    await page.keyboard.press('Enter');
    await eventually(async () => (await page.evaluate(() => document.activeElement?.id)) === 'endpoints-heading', 10_000, 'focus on the Endpoints heading');
    expect(await page.getByRole('link', { name: 'Endpoints', exact: true }).getAttribute('aria-current')).toBe('page');
  });

  it('logged no console errors (a CSP violation would be one)', () => {
    expect(errors.join('\n')).toBe('');
  });
});
