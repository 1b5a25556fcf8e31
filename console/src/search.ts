/** Search results: events, messages and endpoints that an id or a part of a URL names. */
import { seg, type Api } from './api';
import { el, timeText } from './dom';
import type { SearchResultView } from './types';

export interface SearchHrefs {
  readonly event?: (source: string, id: string) => string;
  readonly message: (id: string) => string;
  readonly endpoint: (id: string) => string;
}

export async function renderSearch(container: HTMLElement, api: Api, q: string, href: SearchHrefs): Promise<number> {
  const result = await api.get<SearchResultView>(`/search?q=${seg(q)}`);
  const list = (title: string, items: HTMLLIElement[]) =>
    items.length ? [el('h3', { text: `${title} (${items.length})` }), el('ul', { className: 'results' }, items)] : [];
  const found = result.events.length + result.messages.length + result.endpoints.length;
  container.replaceChildren(
    el('p', {
      id: 'search-summary',
      dataset: { found: String(found) },
      text: found ? `${found} found for “${q}”.` : `Nothing found for “${q}”: no event or message has this id, and no endpoint URL contains it.`,
    }),
    ...(href.event
      ? list(
          'Inbound events',
          result.events.map((event) =>
            el('li', {}, [
              el('a', { href: href.event!(event.source, event.id), text: `${event.source} / ${event.id}` }),
              ` ${event.type ?? ''}, ${event.status}, received `,
              timeText(event.receivedAt),
            ]),
          ),
        )
      : []),
    ...list(
      'Messages',
      result.messages.map((message) =>
        el('li', {}, [el('a', { href: href.message(message.id), text: message.id }), ` ${message.eventType}, created `, timeText(message.createdAt)]),
      ),
    ),
    ...list(
      'Endpoints',
      result.endpoints.map((endpoint) =>
        el('li', {}, [el('a', { href: href.endpoint(endpoint.id), text: endpoint.url }), ` ${endpoint.description ?? ''} (${endpoint.id})`]),
      ),
    ),
  );
  return found;
}
