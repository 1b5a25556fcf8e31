/** Turning a stored item back into the record it holds: the table's own attributes dropped. */
import { TABLE } from '../table';

/** The item without its keys, index keys, kind and TTL attribute. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const {
    [TABLE.partitionKey]: _pk,
    [TABLE.sortKey]: _sk,
    [TABLE.indexes[0].partitionKey]: _gpk,
    [TABLE.indexes[0].sortKey]: _gsk,
    kind: _kind,
    [TABLE.timeToLiveAttribute]: _ttl,
    ...record
  } = item;
  return record as T;
}
