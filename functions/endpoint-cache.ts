/**
 * The endpoint list, read at most once per `seconds` per container (0: every time), for the
 * functions that route messages (dispatcher, and the processor's relay).
 */
import type { Endpoint } from '../shared/outbound/model';

export function cachedEndpoints(read: () => Promise<Endpoint[]>, seconds: number): () => Promise<readonly Endpoint[]> {
  let cached: { at: number; endpoints: Promise<Endpoint[]> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at >= seconds * 1000) {
      const entry = { at: Date.now(), endpoints: read() };
      cached = entry;
      entry.endpoints.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.endpoints;
  };
}
