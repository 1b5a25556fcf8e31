/** The `ReplayDigestStore` port in memory, with the adapter's rule (absent, expired, or the same event). */
import type { ReplayDigestStore } from '../../shared/inbound/replay-window';

export class InMemoryReplayDigestStore implements ReplayDigestStore {
  readonly digests = new Map<string, { eventId: string; untilMs: number }>();

  async claim(source: string, digest: string, eventId: string, options: { nowMs: number; untilMs: number }): Promise<string> {
    const key = `${source}\u0000${digest}`;
    const held = this.digests.get(key);
    if (held && held.untilMs >= options.nowMs && held.eventId !== eventId) return held.eventId;
    this.digests.set(key, { eventId, untilMs: options.untilMs });
    return eventId;
  }
}
