/** An inbound event in detail: its record, the headers kept, and the body as received, pretty-printed. */
import { seg, type Api } from './api';
import { button, el, timeText } from './dom';
import { bodyText } from './format';
import type { EventBody, InboundEventView } from './types';
import { announce, showError } from './ui';

export async function renderEvent(container: HTMLElement, api: Api, source: string, id: string, afterReplay: () => void): Promise<void> {
  const path = `/sources/${seg(source)}/events/${seg(id)}`;
  const [event, body] = await Promise.all([api.get<InboundEventView>(path), api.get<EventBody>(`${path}/body`)]);
  const list = el('dl', { className: 'facts' });
  const rows: Array<[string, Node | string | undefined]> = [
    ['Source', event.source],
    ['Event id', el('code', { text: event.id })],
    ['Type', event.type],
    ['Status', el('span', { className: `status status-${event.status}`, dataset: { status: event.status }, text: event.status })],
    ['Received', timeText(event.receivedAt)],
    ['Processed', event.processedAt ? timeText(event.processedAt) : undefined],
    ['Failed', event.failedAt ? timeText(event.failedAt) : undefined],
    ['Processing attempts', event.attempts === undefined ? undefined : String(event.attempts)],
    ['Last error', event.lastError],
    ['Dead-lettered', event.deadLettered === undefined ? undefined : event.deadLettered ? 'yes' : 'no'],
    ['Body size', `${body.bytes} bytes`],
  ];
  for (const [term, value] of rows) if (value !== undefined) list.append(el('dt', { text: term }), el('dd', {}, [value]));
  const headers = Object.entries(event.headers ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const destinations = Object.entries(event.destinations ?? {}).sort(([a], [b]) => a.localeCompare(b));
  container.replaceChildren(
    list,
    el('div', { className: 'buttons' }, [
      button('Replay', `event ${event.id}`, `replay-detail:${event.id}`, async (e) => {
        const control = e.currentTarget;
        control.disabled = true;
        showError('');
        try {
          await api.post(`${path}/replay`);
          announce(`Replay queued for event ${event.id}.`);
          afterReplay();
        } catch (error) {
          showError(`Replay of event ${event.id} failed: ${(error as Error).message}`);
        } finally {
          control.disabled = false;
        }
      }),
    ]),
    ...(destinations.length
      ? [
          el('h3', { text: 'Destinations' }),
          el('table', { id: 'event-destinations' }, [
            el('caption', { text: "Each destination's outcome; one delivered is not sent again when the event is retried." }),
            el('thead', {}, [
              el(
                'tr',
                {},
                ['Destination', 'Status', 'Attempts', 'At', 'Error'].map((heading) => el('th', { scope: 'col', text: heading })),
              ),
            ]),
            el(
              'tbody',
              {},
              destinations.map(([name, mark]) =>
                el('tr', {}, [
                  el('th', { scope: 'row' }, [el('code', { text: name })]),
                  el('td', {}, [el('span', { className: `status status-${mark.status === 'delivered' ? 'processed' : 'failed'}`, text: mark.status })]),
                  el('td', { text: String(mark.attempts) }),
                  el('td', {}, [timeText(mark.at)]),
                  el('td', { text: mark.error ?? '' }),
                ]),
              ),
            ),
          ]),
        ]
      : []),
    el('h3', { text: 'Headers kept' }),
    headers.length
      ? el('table', { id: 'event-headers' }, [
          el('caption', { text: 'Request headers kept with the event (never signatures, tokens or cookies).' }),
          el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: 'Header' }), el('th', { scope: 'col', text: 'Value' })])]),
          el(
            'tbody',
            {},
            headers.map(([name, value]) => el('tr', {}, [el('th', { scope: 'row' }, [el('code', { text: name })]), el('td', { text: value })])),
          ),
        ])
      : el('p', { text: 'No headers kept.' }),
    el('h3', { text: 'Body' }),
    el('pre', { id: 'event-body', className: 'payload', tabindex: 0, 'aria-label': 'Body', text: bodyText(body) }),
  );
}
