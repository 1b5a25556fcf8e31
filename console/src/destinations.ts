/**
 * The local runtime's destinations (`GET /local/destinations`, served by `npm start` only): per
 * source, per destination, what it received: the EventBridge stand-in's accepted events, the
 * messages of the fauxqs queues and topics, the invocations of a local Lambda module. Each row
 * names the event's detail type, its event id and when it was sent or received.
 */
import type { Api } from './api';
import { el, timeText } from './dom';

type DestinationType = 'eventBridge' | 'sqs' | 'sns' | 'lambda';

interface LocalDestination {
  readonly type: DestinationType;
  readonly arn: string;
  readonly received: readonly unknown[];
}

export interface LocalDestinationsView {
  readonly sources: Readonly<Record<string, Readonly<Record<string, LocalDestination>>>>;
}

interface Row {
  readonly detailType: string;
  readonly eventId: string;
  readonly time: string | undefined;
  readonly note: string;
}

const TYPE_NAMES: Record<DestinationType, string> = {
  eventBridge: 'EventBridge bus (local stand-in)',
  sqs: 'SQS queue (fauxqs)',
  sns: 'SNS topic (fauxqs)',
  lambda: 'Lambda function (local module)',
};

/** The fourth column: the stand-in's entry id, or the local invocation's outcome. */
const NOTE_LABELS: Record<DestinationType, string> = { eventBridge: 'Bus entry', lambda: 'Outcome', sqs: 'Notes', sns: 'Notes' };

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** One received item as a row, by the destination's kind (see openapi.yaml, GET /local/destinations). */
function row(type: DestinationType, item: unknown): Row {
  const value = (item ?? {}) as Record<string, unknown>;
  if (type === 'eventBridge') {
    const detail = (value.detail ?? {}) as Record<string, unknown>;
    return { detailType: text(value.detailType), eventId: text(detail.eventId), time: text(value.time) || undefined, note: `entry ${text(value.id)}` };
  }
  if (type === 'lambda') {
    const event = (value.event ?? {}) as Record<string, unknown>;
    const error = text(value.error);
    return {
      detailType: text(event.eventType),
      eventId: text(event.eventId),
      time: text(value.at) || undefined,
      note: text(value.outcome) + (error ? `: ${error}` : ''),
    };
  }
  return { detailType: text(value.eventType), eventId: text(value.eventId), time: text(value.receivedAt) || undefined, note: '' };
}

export async function renderDestinations(container: HTMLElement, api: Api): Promise<void> {
  const view = await api.get<LocalDestinationsView>('/destinations');
  const sources = Object.entries(view.sources).filter(([, destinations]) => Object.keys(destinations).length > 0);
  if (sources.length === 0) {
    container.replaceChildren(el('p', { text: 'No source names destinations in the config.' }));
    return;
  }
  container.replaceChildren(
    ...sources.map(([source, destinations]) =>
      el('section', { 'aria-labelledby': `destinations-${source}-heading`, dataset: { source } }, [
        el('h3', { id: `destinations-${source}-heading`, text: `Source ${source}` }),
        ...Object.entries(destinations).map(([name, destination]) => {
          const rows = destination.received.map((item) => row(destination.type, item));
          return el('table', { className: 'sample', dataset: { destination: name, type: destination.type } }, [
            el('caption', {}, [
              el('strong', { text: name }),
              `: ${TYPE_NAMES[destination.type] ?? destination.type}, `,
              el('code', { text: destination.arn }),
              `; ${rows.length} received, oldest first.`,
            ]),
            el('thead', {}, [
              el(
                'tr',
                {},
                ['Detail type', 'Event id', 'Time', NOTE_LABELS[destination.type] ?? 'Notes'].map((label) => el('th', { scope: 'col', text: label })),
              ),
            ]),
            el(
              'tbody',
              {},
              rows.length
                ? rows.map((entry) =>
                    el('tr', { dataset: { eventId: entry.eventId } }, [
                      el('td', { text: entry.detailType }),
                      el('td', {}, [el('code', { text: entry.eventId })]),
                      el('td', {}, [timeText(entry.time)]),
                      el('td', { text: entry.note }),
                    ]),
                  )
                : [el('tr', {}, [el('td', { colspan: 4, text: 'Nothing received yet.' })])],
            ),
          ]);
        }),
      ]),
    ),
  );
}
