/**
 * Endpoints: the list, and the editor that creates and changes one (URL, description, event
 * types, signature scheme, headers, filter, transform, enabled), tries its filter and transform
 * on a sample payload with the server's own evaluator before saving, sends it a test message,
 * rotates its secret and deletes it. Shared by the console and the tenant portal (which sees
 * only its tenant's endpoints and sets no tenant).
 */
import { ApiError, seg, type Api } from './api';
import { byId, el, emptyRow, replaceRows } from './dom';
import { prettyJson } from './format';
import type { EndpointCreated, EndpointFull, EndpointView, EvaluateResult, ExpressionVerdict, MessageView } from './types';
import { announce, confirmAction, navigate, showError } from './ui';

export interface EndpointUiOptions {
  readonly api: Api;
  /** The console sets an endpoint's tenant; the portal's endpoints are its tenant's. */
  readonly showTenant: boolean;
  readonly href: {
    readonly list: string;
    readonly edit: (id: string) => string;
    readonly message: (id: string) => string;
    /** Where an endpoint's deliveries are listed, when the page has such a view. */
    readonly deliveries?: (id: string) => string;
  };
}

const DEFAULT_SAMPLE = { type: 'invoice.paid', id: 'evt_sample', data: { amount: 1200, currency: 'eur', customer: 'cus_1' } };

/** A secret shown once after creating an endpoint, picked up by the editor that opens next. */
const freshSecrets = new Map<string, string>();

function field(id: string, label: string, control: HTMLElement, hint?: string, wide = false): HTMLDivElement {
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return el('div', { className: `field${wide ? ' wide' : ''}` }, [
    el('label', { for: id, text: label }),
    control,
    hint ? el('p', { id: `${id}-hint`, className: 'hint', text: hint }) : null,
  ]);
}

export async function renderEndpointList(tbody: HTMLTableSectionElement, options: EndpointUiOptions): Promise<void> {
  const { endpoints } = await options.api.get<{ endpoints: EndpointView[] }>('/endpoints');
  const columns = options.showTenant ? 6 : 5;
  const rows = endpoints.map((endpoint) =>
    el('tr', { dataset: { endpointId: endpoint.id } }, [
      el('td', {}, [el('a', { href: options.href.edit(endpoint.id), text: endpoint.url })]),
      el('td', { text: endpoint.description ?? '' }),
      options.showTenant ? el('td', { text: endpoint.tenantId ?? '' }) : null,
      el('td', { text: endpoint.eventTypes.length ? endpoint.eventTypes.join(', ') : 'every type' }),
      el('td', {
        className: endpoint.enabled ? 'status status-succeeded' : 'status status-failed',
        text: endpoint.enabled ? 'enabled' : `disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ''}`,
      }),
      el('td', { className: 'actions' }, [
        el('a', { href: options.href.edit(endpoint.id), text: 'Edit', 'aria-label': `Edit endpoint ${endpoint.url}` }),
        options.href.deliveries ? ' · ' : null,
        options.href.deliveries
          ? el('a', { href: options.href.deliveries(endpoint.id), text: 'Deliveries', 'aria-label': `Deliveries to ${endpoint.url}` })
          : null,
      ]),
    ]),
  );
  replaceRows(tbody, rows.length ? rows : [emptyRow(columns, 'No endpoints yet.')]);
}

function headerRow(container: HTMLElement, name = '', value = ''): void {
  const index = container.children.length + 1;
  const nameInput = el('input', { id: `ep-header-name-${index}`, value: name, maxlength: 100, autocomplete: 'off', dataset: { header: 'name' } });
  const valueInput = el('input', { id: `ep-header-value-${index}`, value, maxlength: 1000, autocomplete: 'off', dataset: { header: 'value' } });
  const row = el('div', { className: 'header-row' }, [
    el('div', { className: 'field' }, [el('label', { for: nameInput.id, text: `Header ${index} name` }), nameInput]),
    el('div', { className: 'field' }, [el('label', { for: valueInput.id, text: `Header ${index} value` }), valueInput]),
    el('button', {
      type: 'button',
      text: 'Remove',
      'aria-label': `Remove header ${index}`,
      onclick: () => {
        row.remove();
        byId('ep-header-add').focus();
      },
    }),
  ]);
  container.append(row);
}

function readHeaders(container: HTMLElement): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const row of container.querySelectorAll('.header-row')) {
    const name = row.querySelector<HTMLInputElement>('[data-header="name"]')!.value.trim();
    const value = row.querySelector<HTMLInputElement>('[data-header="value"]')!.value;
    if (name) headers[name] = value;
  }
  return headers;
}

function verdictText(name: string, verdict: ExpressionVerdict | undefined): string | undefined {
  if (!verdict) return undefined;
  if (!verdict.ok) return `${name} error (${verdict.error?.code}): ${verdict.error?.message}`;
  if (verdict.passed !== undefined) return `${name}: ${verdict.passed ? 'true, the message is sent' : 'false, the message is not sent'}`;
  return `${name}: applied`;
}

/** The editor for a new endpoint (`id` undefined) or an existing one. */
export async function renderEndpointEditor(container: HTMLElement, heading: HTMLElement, id: string | undefined, options: EndpointUiOptions): Promise<void> {
  const { api } = options;
  const endpoint = id ? await api.get<EndpointFull>(`/endpoints/${seg(id)}`) : undefined;
  heading.textContent = endpoint ? `Endpoint ${endpoint.url}` : 'New endpoint';
  let sample: unknown = DEFAULT_SAMPLE;
  if (endpoint) {
    // The latest payload this endpoint was sent, as the sample to try expressions on.
    try {
      const { deliveries = [] } = await api.get<{ deliveries?: Array<{ messageId: string }> }>(`/messages?endpointId=${seg(endpoint.id)}&limit=1`);
      if (deliveries[0]) sample = (await api.get<{ payload: unknown }>(`/messages/${seg(deliveries[0].messageId)}/payload`)).payload;
    } catch {
      sample = DEFAULT_SAMPLE;
    }
  }

  const url = el('input', { id: 'ep-url', type: 'url', required: true, maxlength: 2048, value: endpoint?.url ?? '', autocomplete: 'off' });
  const description = el('input', { id: 'ep-description', maxlength: 500, value: endpoint?.description ?? '' });
  const tenant = el('input', { id: 'ep-tenant', maxlength: 200, value: '' });
  const scheme = el('select', { id: 'ep-scheme' }, [
    el('option', { value: 'standard', text: 'Standard Webhooks (webhook-signature)' }),
    el('option', { value: 'x-webhook', text: 'X-Webhook-Signature (t=…,v1=…)' }),
    el('option', { value: 'x-wss', text: 'X-WSS-Signature' }),
  ]);
  scheme.value = endpoint?.signatureScheme ?? 'standard';
  const eventTypes = el('textarea', { id: 'ep-event-types', rows: 3, text: (endpoint?.eventTypes ?? []).join('\n') });
  const enabled = el('input', { id: 'ep-enabled', type: 'checkbox', checked: endpoint ? endpoint.enabled : true });
  const headers = el('div', { id: 'ep-headers' });
  for (const [name, value] of Object.entries(endpoint?.headers ?? {})) headerRow(headers, name, value);
  const filter = el('textarea', { id: 'ep-filter', rows: 2, maxlength: 4096, text: endpoint?.filter ?? '', spellcheck: 'false' });
  const transform = el('textarea', { id: 'ep-transform', rows: 3, maxlength: 4096, text: endpoint?.transform ?? '', spellcheck: 'false' });
  const sampleInput = el('textarea', { id: 'ep-sample', rows: 6, text: JSON.stringify(sample, null, 2), spellcheck: 'false' });
  const tryResult = el('div', { id: 'ep-try-result', 'aria-live': 'polite' });

  const tryIt = async () => {
    tryResult.replaceChildren();
    let payload: unknown;
    try {
      payload = JSON.parse(sampleInput.value);
    } catch (error) {
      tryResult.dataset.outcome = 'invalid-sample';
      tryResult.replaceChildren(el('p', { className: 'result bad', text: `The sample payload is not valid JSON: ${(error as Error).message}` }));
      return;
    }
    try {
      const result = await api.post<EvaluateResult>('/expressions/evaluate', {
        payload,
        filter: filter.value.trim() || null,
        transform: transform.value.trim() || null,
      });
      tryResult.dataset.outcome = result.outcome;
      const lines = [verdictText('Filter', result.filter), verdictText('Transform', result.transform)].filter((line): line is string => line !== undefined);
      const summary =
        result.outcome === 'sent'
          ? 'This endpoint would be sent:'
          : result.outcome === 'filtered'
            ? 'Filtered out: nothing would be sent.'
            : 'A delivery would fail (and not be retried).';
      tryResult.replaceChildren(
        el('div', { className: `result ${result.outcome === 'failed' ? 'bad' : 'ok'}` }, [
          el('p', { text: summary }),
          ...lines.map((line) => el('p', { text: line })),
          result.body !== undefined
            ? el('pre', { id: 'ep-try-body', tabindex: 0, 'aria-label': 'Body that would be sent', text: prettyJson(result.body) })
            : null,
        ]),
      );
    } catch (error) {
      tryResult.dataset.outcome = 'error';
      tryResult.replaceChildren(el('p', { className: 'result bad', text: `Could not evaluate: ${(error as Error).message}` }));
    }
  };

  const form = el('form', { id: 'endpoint-form', 'aria-labelledby': heading.id }, [
    el('div', { className: 'form-grid' }, [
      field('ep-url', 'URL', url, 'Where deliveries are POSTed (https in AWS).'),
      field('ep-description', 'Description', description),
      options.showTenant && !endpoint
        ? field('ep-tenant', 'Tenant', tenant, 'Optional: the tenant whose messages this endpoint receives (and whose portal shows it).')
        : null,
      field('ep-scheme', 'Signature scheme', scheme),
      field('ep-event-types', 'Event types', eventTypes, 'One per line: exact names, "prefix.*" wildcards or "*". Empty: every type.', true),
      endpoint ? el('div', { className: 'check wide' }, [enabled, el('label', { for: 'ep-enabled', text: 'Enabled' })]) : null,
    ]),
    el('fieldset', {}, [
      el('legend', { text: 'Headers' }),
      el('p', {
        className: 'hint',
        text: 'Sent with every attempt. Attempts record their names, not their values. Signature, content and transport headers cannot be set.',
      }),
      headers,
      el('button', {
        type: 'button',
        id: 'ep-header-add',
        text: 'Add header',
        onclick: () => {
          headerRow(headers);
          headers.querySelector<HTMLInputElement>('.header-row:last-child [data-header="name"]')?.focus();
        },
      }),
    ]),
    el('fieldset', {}, [
      el('legend', { text: 'Filter and transform (JSONata)' }),
      el('div', { className: 'form-grid' }, [
        field('ep-filter', 'Filter', filter, 'Sent only when this is true for the payload, e.g. amount > 1000.', true),
        field('ep-transform', 'Transform', transform, 'Its result is sent instead of the payload, e.g. {"id": id, "total": data.amount}.', true),
        field(
          'ep-sample',
          'Sample payload (JSON)',
          sampleInput,
          endpoint ? 'The latest payload sent to this endpoint, if any: change it freely, it is not saved.' : 'Not saved: only for trying the expressions.',
          true,
        ),
      ]),
      el('button', { type: 'button', id: 'ep-try', text: 'Try on the sample', onclick: () => void tryIt() }),
      tryResult,
    ]),
    el('div', { className: 'buttons' }, [
      el('button', { type: 'submit', className: 'primary', text: endpoint ? 'Save changes' : 'Create endpoint' }),
      el('a', { href: options.href.list, text: 'Back to endpoints' }),
    ]),
  ]);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void save();
  });

  const save = async () => {
    showError('');
    const types = eventTypes.value
      .split(/[\n,]/)
      .map((type) => type.trim())
      .filter(Boolean);
    const headerValues = readHeaders(headers);
    const text = (input: HTMLInputElement | HTMLTextAreaElement) => input.value.trim();
    try {
      if (!endpoint) {
        const body = {
          url: text(url),
          eventTypes: types,
          signatureScheme: scheme.value,
          ...(text(description) ? { description: text(description) } : {}),
          ...(options.showTenant && text(tenant) ? { tenantId: text(tenant) } : {}),
          ...(text(filter) ? { filter: text(filter) } : {}),
          ...(text(transform) ? { transform: text(transform) } : {}),
          ...(Object.keys(headerValues).length ? { headers: headerValues } : {}),
        };
        const created = await api.post<EndpointCreated>('/endpoints', body);
        freshSecrets.set(created.id, created.secret);
        announce(`Endpoint ${created.url} created.`);
        navigate(options.href.edit(created.id));
        return;
      }
      const changes = {
        url: text(url),
        eventTypes: types,
        signatureScheme: scheme.value,
        description: text(description) || null,
        filter: text(filter) || null,
        transform: text(transform) || null,
        headers: Object.keys(headerValues).length ? headerValues : null,
        enabled: enabled.checked,
      };
      const saved = await api.request<EndpointFull>(`/endpoints/${seg(endpoint.id)}`, { method: 'PATCH', body: changes });
      announce(`Endpoint ${saved.url} saved.`);
      heading.textContent = `Endpoint ${saved.url}`;
    } catch (error) {
      showError(`${endpoint ? 'Saving' : 'Creating'} the endpoint failed: ${(error as Error).message}`);
      byId('error').scrollIntoView({ block: 'nearest' });
    }
  };

  container.replaceChildren(form);
  if (endpoint) container.append(actions(endpoint, options));
}

function secretPanel(secret: string, text: string): HTMLElement {
  return el('div', { className: 'result ok', id: 'ep-secret' }, [
    el('p', { text }),
    el('label', { for: 'ep-secret-value', text: 'Signing secret' }),
    el('input', { id: 'ep-secret-value', className: 'secret', readonly: true, value: secret, 'aria-describedby': 'ep-secret-hint' }),
    el('p', { id: 'ep-secret-hint', className: 'hint', text: 'Give it to the receiver to verify signatures. Shown now; later through "Show secret".' }),
  ]);
}

function actions(endpoint: EndpointFull, options: EndpointUiOptions): HTMLElement {
  const { api } = options;
  const result = el('div', { id: 'ep-action-result', 'aria-live': 'polite' });
  const fresh = freshSecrets.get(endpoint.id);
  freshSecrets.delete(endpoint.id);
  if (fresh) result.append(secretPanel(fresh, 'Endpoint created. Its signing secret:'));

  const act = async (control: HTMLButtonElement, task: () => Promise<void>) => {
    control.disabled = true;
    showError('');
    try {
      await task();
    } catch (error) {
      showError(`${control.textContent} failed: ${(error as Error).message}`);
    } finally {
      control.disabled = false;
    }
  };

  const sendTest = el('button', { type: 'button', id: 'ep-send-test', text: 'Send test message' });
  sendTest.addEventListener(
    'click',
    () =>
      void act(sendTest, async () => {
        const message = await api.post<MessageView>(`/endpoints/${seg(endpoint.id)}/test`);
        announce(`Test message ${message.id} queued for ${endpoint.url}.`);
        result.replaceChildren(
          el('p', { className: 'result ok', dataset: { messageId: message.id } }, [
            'Test message ',
            el('a', { href: options.href.message(message.id), text: message.id }),
            ` (${message.eventType}) sent to this endpoint only.`,
          ]),
        );
      }),
  );
  const showSecret = el('button', { type: 'button', id: 'ep-show-secret', text: 'Show secret' });
  showSecret.addEventListener(
    'click',
    () =>
      void act(showSecret, async () => {
        const secrets = await api.get<{ secret: string; previous: Array<{ expiresAt?: string }> }>(`/endpoints/${seg(endpoint.id)}/secret`);
        result.replaceChildren(
          secretPanel(
            secrets.secret,
            secrets.previous.length ? `Current secret (the previous one signs too until ${secrets.previous[0]?.expiresAt}):` : 'Current secret:',
          ),
        );
      }),
  );
  const rotate = el('button', { type: 'button', id: 'ep-rotate', text: 'Rotate secret' });
  // Asked before the button is disabled, so focus can return to it when the dialog closes.
  rotate.addEventListener('click', async () => {
    if (
      !(await confirmAction(
        'Rotate the signing secret?',
        `A new secret signs ${endpoint.url} from now on; the current one keeps signing alongside it for 24 hours.`,
        'Rotate',
      ))
    )
      return;
    await act(rotate, async () => {
      const rotated = await api.post<{ secret: string; previousExpiresAt?: string }>(`/endpoints/${seg(endpoint.id)}/rotate-secret`);
      announce('Secret rotated.');
      result.replaceChildren(secretPanel(rotated.secret, `New secret. The previous one keeps signing until ${rotated.previousExpiresAt ?? 'now'}.`));
    });
  });
  const remove = el('button', { type: 'button', id: 'ep-delete', className: 'danger', text: 'Delete endpoint' });
  remove.addEventListener('click', async () => {
    if (
      !(await confirmAction(
        'Delete this endpoint?',
        `${endpoint.url} will receive nothing more; its deliveries stay in the history. This cannot be undone.`,
        'Delete',
      ))
    )
      return;
    await act(remove, async () => {
      try {
        await api.request(`/endpoints/${seg(endpoint.id)}`, { method: 'DELETE' });
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }
      announce(`Endpoint ${endpoint.url} deleted.`);
      navigate(options.href.list);
    });
  });
  return el('section', { 'aria-labelledby': 'ep-actions-heading' }, [
    el('h3', { id: 'ep-actions-heading', text: 'Actions' }),
    el('div', { className: 'buttons' }, [
      sendTest,
      showSecret,
      rotate,
      remove,
      options.href.deliveries ? el('a', { href: options.href.deliveries(endpoint.id), text: 'Deliveries' }) : null,
    ]),
    result,
  ]);
}
