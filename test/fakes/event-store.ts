/**
 * The `EventStore` port in memory, with the same guards as the DynamoDB adapter (the contract in
 * test/contracts/event-store.ts runs against both).
 */
import type {
  AttemptFailure,
  DestinationMarks,
  EnqueueLease,
  EventStatus,
  EventStore,
  InboundEvent,
  InboundEventSummary,
  LeaseResult,
  NewInboundEvent,
  PutResult,
} from '../../shared/inbound/event-store';
import { MAX_ERROR_LENGTH } from '../../shared/inbound/event-store';
import { pageOf } from './pages';

type Row = InboundEvent & { enqueueOwner?: string; enqueueLeaseUntil?: number; leaseOwner?: string; leaseUntil?: number; expiresAt: number };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const key = (source: string, eventId: string) => `${source}\u0000${eventId}`;

export class InMemoryEventStore implements EventStore {
  private readonly rows = new Map<string, Mutable<Row>>();

  async putNew(event: NewInboundEvent, options: EnqueueLease & { readonly expiresAt: number }): Promise<PutResult> {
    const existing = this.rows.get(key(event.source, event.eventId));
    if (existing) return { created: false, existing: view(existing) };
    this.rows.set(key(event.source, event.eventId), {
      ...event,
      status: 'received',
      updatedAt: event.receivedAt,
      attempts: 0,
      enqueueOwner: options.owner,
      enqueueLeaseUntil: options.nowMs + options.enqueueLeaseMs,
      expiresAt: options.expiresAt,
    });
    return { created: true };
  }

  async claimEnqueue(source: string, eventId: string, lease: EnqueueLease): Promise<boolean> {
    const row = this.rows.get(key(source, eventId));
    if (row?.status !== 'received' || (row.enqueueLeaseUntil !== undefined && row.enqueueLeaseUntil >= lease.nowMs)) return false;
    row.enqueueOwner = lease.owner;
    row.enqueueLeaseUntil = lease.nowMs + lease.enqueueLeaseMs;
    return true;
  }

  async releaseEnqueue(source: string, eventId: string, owner: string): Promise<void> {
    const row = this.rows.get(key(source, eventId));
    if (row?.status === 'received' && row.enqueueOwner === owner) row.enqueueLeaseUntil = 0;
  }

  async markQueued(source: string, eventId: string, now: Date): Promise<void> {
    const row = this.rows.get(key(source, eventId));
    if (row?.status !== 'received') return;
    Object.assign(row, { status: 'queued', updatedAt: now.toISOString() });
    delete row.enqueueOwner;
    delete row.enqueueLeaseUntil;
  }

  async acquireLease(source: string, eventId: string, options: { owner: string; now: Date; leaseMs: number; replay?: boolean }): Promise<LeaseResult> {
    const row = this.rows.get(key(source, eventId));
    const nowMs = options.now.getTime();
    const leasable: EventStatus[] = options.replay ? ['received', 'queued', 'failed', 'processed'] : ['received', 'queued', 'failed'];
    if (!row || !(leasable.includes(row.status) || (row.status === 'processing' && (row.leaseUntil ?? 0) < nowMs))) {
      return { acquired: false, current: row ? view(row) : undefined };
    }
    Object.assign(row, {
      status: 'processing',
      leaseOwner: options.owner,
      leaseUntil: nowMs + options.leaseMs,
      updatedAt: options.now.toISOString(),
      attempts: row.attempts + 1,
    });
    return { acquired: true, event: view(row) };
  }

  async markProcessed(source: string, eventId: string, owner: string, now: Date, destinations?: DestinationMarks): Promise<boolean> {
    const row = this.leasedBy(source, eventId, owner);
    if (!row) return false;
    Object.assign(row, { status: 'processed', processedAt: now.toISOString(), updatedAt: now.toISOString() });
    if (destinations) row.destinations = structuredClone(destinations);
    delete row.leaseOwner;
    delete row.leaseUntil;
    delete row.lastError;
    return true;
  }

  async markAttemptFailed(source: string, eventId: string, owner: string, options: AttemptFailure): Promise<boolean> {
    const row = this.leasedBy(source, eventId, owner);
    if (!row) return false;
    if (options.destinations) row.destinations = structuredClone(options.destinations);
    const at = options.now.toISOString();
    Object.assign(row, { status: options.terminal ? 'failed' : 'queued', lastError: options.error.slice(0, MAX_ERROR_LENGTH), updatedAt: at });
    if (options.terminal) Object.assign(row, { failedAt: at, deadLettered: options.deadLettered });
    delete row.leaseOwner;
    delete row.leaseUntil;
    return true;
  }

  async get(source: string, eventId: string): Promise<InboundEvent | undefined> {
    const row = this.rows.get(key(source, eventId));
    return row ? view(row) : undefined;
  }

  async list(
    source: string,
    options: { status?: EventStatus; since?: string; until?: string; limit: number; cursor?: string },
  ): Promise<{ events: InboundEventSummary[]; nextCursor?: string }> {
    const all = [...this.rows.values()]
      .filter(
        (row) =>
          row.source === source &&
          (!options.since || row.receivedAt >= options.since) &&
          (!options.until || `${row.receivedAt}#${row.eventId}` <= options.until),
      )
      .sort((a, b) => `${b.receivedAt}#${b.eventId}`.localeCompare(`${a.receivedAt}#${a.eventId}`));
    const page = pageOf(all, options.limit, options.cursor);
    return { events: page.items.filter((row) => !options.status || row.status === options.status).map(view), ...(page.next ? { nextCursor: page.next } : {}) };
  }

  /** Test access: the record as stored, lease fields included. */
  row(source: string, eventId: string): Readonly<Row> | undefined {
    return this.rows.get(key(source, eventId));
  }

  private leasedBy(source: string, eventId: string, owner: string): Mutable<Row> | undefined {
    const row = this.rows.get(key(source, eventId));
    return row?.status === 'processing' && row.leaseOwner === owner ? row : undefined;
  }
}

function view(row: Row): InboundEvent {
  const { enqueueOwner: _o, enqueueLeaseUntil: _u, leaseOwner: _l, leaseUntil: _t, expiresAt: _e, ...event } = row;
  return structuredClone(event);
}
