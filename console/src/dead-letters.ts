/**
 * Both dead-letter queues: depth, the oldest sampled message's age, a sample of what they hold
 * (linked to the event or message it names) and a Redrive button each.
 */
import type { Api } from './api';
import { button, el, timeText } from './dom';
import { ageText } from './format';
import type { DeadLetterQueueView } from './types';
import { announce, confirmAction, showError } from './ui';

export interface DeadLetterHrefs {
  readonly event: (source: string, id: string) => string;
  readonly message: (id: string) => string;
}

const QUEUES = [
  {
    queue: 'inbound',
    title: 'Inbound dead-letter queue',
    what: 'Events the processor could not handle (after the last receive, or malformed).',
    target: 'the inbound queue',
  },
  { queue: 'outbound', title: 'Outbound dead-letter queue', what: 'Outbound work the dispatcher could not read or carry out.', target: 'the outbound queue' },
] as const;

function content(body: unknown, href: DeadLetterHrefs): Node | string {
  const value = body as { source?: unknown; eventId?: unknown; messageId?: unknown; kind?: unknown; eventType?: unknown } | null;
  if (value && typeof value.source === 'string' && typeof value.eventId === 'string') {
    return el('span', {}, ['Event ', el('a', { href: href.event(value.source, value.eventId), text: `${value.source} / ${value.eventId}` })]);
  }
  if (value && typeof value.messageId === 'string') {
    return el('span', {}, [
      `${typeof value.kind === 'string' ? value.kind : 'work'} of message `,
      el('a', { href: href.message(value.messageId), text: value.messageId }),
    ]);
  }
  return el('code', { text: typeof body === 'string' ? body : JSON.stringify(body) });
}

export interface Redrive {
  /** Moves a queue's messages back (POST to the API); resolves to what to announce. */
  readonly redrive: (queue: 'inbound' | 'outbound') => Promise<string>;
  /** The queues the API can redrive. */
  readonly available: ReadonlyArray<'inbound' | 'outbound'>;
}

export async function renderDeadLetters(container: HTMLElement, api: Api, href: DeadLetterHrefs, redrive: Redrive, reload: () => void): Promise<void> {
  const views = await Promise.all(QUEUES.map((entry) => api.get<DeadLetterQueueView>(`/dlq/${entry.queue}/messages`)));
  container.replaceChildren(
    ...QUEUES.map((entry, index) => {
      const view = views[index]!;
      const oldest = view.sample.find((message) => message.sentAt);
      const facts = el('dl', { className: 'facts' }, [
        el('dt', { text: 'Messages' }),
        el('dd', { dataset: { depth: String(view.depth) }, text: `${view.depth} (${view.visible} waiting, ${view.inFlight} in flight)` }),
        el('dt', { text: 'Oldest' }),
        el('dd', { dataset: { oldestAgeSeconds: view.oldestAgeSeconds === undefined ? '' : String(view.oldestAgeSeconds) } }, [
          view.oldestAgeSeconds === undefined ? 'empty' : `${ageText(view.oldestAgeSeconds)} old (queued `,
          oldest?.sentAt ? timeText(oldest.sentAt) : '',
          view.oldestAgeSeconds === undefined ? '' : '; the oldest of the sample)',
        ]),
      ]);
      const sample = view.sample.length
        ? el('table', { className: 'sample' }, [
            el('caption', { text: `A sample of ${view.sample.length} message(s), oldest first.` }),
            el('thead', {}, [
              el(
                'tr',
                {},
                ['Message', 'Queued', 'Receives', 'Content'].map((text) => el('th', { scope: 'col', text })),
              ),
            ]),
            el(
              'tbody',
              {},
              view.sample.map((message) =>
                el('tr', { dataset: { messageId: message.messageId } }, [
                  el('td', {}, [el('code', { text: message.messageId })]),
                  el('td', {}, [message.sentAt ? timeText(message.sentAt) : '']),
                  el('td', { text: message.receiveCount === undefined ? '' : String(message.receiveCount) }),
                  el('td', {}, [content(message.body, href)]),
                ]),
              ),
            ),
          ])
        : el('p', { text: 'Nothing here.' });
      const redriveButton = button(
        'Redrive',
        entry.queue === 'inbound' ? 'inbound dead letters' : 'outbound dead letters',
        `redrive:${entry.queue}`,
        async (event) => {
          const control = event.currentTarget as HTMLButtonElement;
          if (
            !(await confirmAction(
              `Redrive the ${entry.queue} dead letters?`,
              `Every message in the ${entry.queue} dead-letter queue goes back to ${entry.target} to be processed again.`,
              'Redrive',
            ))
          )
            return;
          control.disabled = true;
          showError('');
          try {
            announce(await redrive.redrive(entry.queue));
            reload();
          } catch (error) {
            showError(`Redrive of the ${entry.queue} dead letters failed: ${(error as Error).message}`);
          } finally {
            control.disabled = false;
          }
        },
      );
      const canRedrive = redrive.available.includes(entry.queue);
      if (view.depth === 0 || !canRedrive) redriveButton.disabled = true;
      return el('section', { 'aria-labelledby': `dlq-${entry.queue}-heading`, dataset: { queue: entry.queue } }, [
        el('h3', { id: `dlq-${entry.queue}-heading`, text: entry.title }),
        el('p', { className: 'hint', text: entry.what }),
        facts,
        sample,
        el('div', { className: 'buttons' }, [
          redriveButton,
          canRedrive ? null : el('p', { className: 'hint', text: 'This API has no redrive of this queue yet.' }),
        ]),
      ]);
    }),
  );
}
