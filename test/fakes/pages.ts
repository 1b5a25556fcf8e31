/** Paging the fakes' listings like the index query does: a page of `limit` items and an opaque cursor for the next. */
import { decodeCursor, encodeCursor } from '../../shared/store/cursor';

export function pageOf<T>(items: readonly T[], limit: number | undefined, cursor: string | Record<string, unknown> | undefined): { items: T[]; next?: string } {
  const start = cursor === undefined ? 0 : Number((typeof cursor === 'string' ? decodeCursor(cursor) : cursor).offset ?? 0);
  const end = limit === undefined ? items.length : start + limit;
  return { items: items.slice(start, end), ...(end < items.length ? { next: encodeCursor({ offset: end }) } : {}) };
}

/** The same, with the cursor as the raw key the message and delivery listings use. */
export function rawPageOf<T>(
  items: readonly T[],
  limit: number | undefined,
  cursor: Record<string, unknown> | undefined,
): { items: T[]; next?: Record<string, unknown> } {
  const page = pageOf(items, limit, cursor);
  return { items: page.items, ...(page.next ? { next: decodeCursor(page.next) } : {}) };
}
