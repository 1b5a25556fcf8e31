/**
 * The status log behind the live stream (`GET /api/v1/stream`): every status change (event
 * received, processed, failed; delivery attempted, succeeded, failed, exhausted; endpoint
 * disabled) is appended as a small entry, kept for a day, and read forward from the position a
 * reader has reached (`Last-Event-ID`). The DynamoDB adapter is shared/store/dynamodb/status-log.ts.
 */
import type { StatusChangeType } from './change-types';

export type { StatusChangeType } from './change-types';

export interface StatusChange {
  readonly type: StatusChangeType;
  /** Ids and outcomes only: never a payload, a secret or a signature. */
  readonly data: Readonly<Record<string, string | number | boolean>>;
}

export interface StatusEntry extends StatusChange {
  readonly id: string;
  readonly at: string;
}

/** Appends entries and reads them forward, oldest first. */
export interface StatusLog {
  /** Appends a change; returns its entry id. */
  append(change: StatusChange, now?: Date): Promise<string>;
  /**
   * Entries after `lastId` (or, without one, from `since`) up to `now - settleMs`, oldest first,
   * with the position to continue from.
   */
  readAfter(
    lastId: string | undefined,
    options?: { now?: Date; settleMs?: number; since?: Date; limit?: number },
  ): Promise<{ entries: StatusEntry[]; position: string | undefined }>;
  /** Every entry of one minute (`2026-11-23T06:49`), oldest first. */
  readMinute(minute: string): Promise<StatusEntry[]>;
  /** Every entry of each of `minutes`, oldest first (fewer reads than one `readMinute` each). */
  readMinutes(minutes: readonly string[]): Promise<Map<string, StatusEntry[]>>;
}
