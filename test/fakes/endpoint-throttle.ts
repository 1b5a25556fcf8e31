/** An `EndpointThrottle` in memory, with the adapter's rules (shared/store/dynamodb/endpoint-throttle.ts). */
import type { EndpointThrottle, InFlightLease } from '../../shared/outbound/endpoint-throttle';

export class InMemoryEndpointThrottle implements EndpointThrottle {
  private readonly nextSlot = new Map<string, number>();
  private readonly leases = new Map<string, { holder: string; heldUntilMs: number }>();
  private holders = 0;

  async reserve(endpointId: string, intervalMs: number, nowMs: number): Promise<number> {
    const slot = Math.max(this.nextSlot.get(endpointId) ?? nowMs, nowMs);
    this.nextSlot.set(endpointId, slot + intervalMs);
    return slot;
  }

  async acquire(endpointId: string, maxInFlight: number, nowMs: number, expiresAtMs: number): Promise<InFlightLease | undefined> {
    for (let slot = 0; slot < maxInFlight; slot++) {
      const key = `${endpointId}#${slot}`;
      const held = this.leases.get(key);
      if (held && held.heldUntilMs >= nowMs) continue;
      const holder = `holder_${++this.holders}`;
      this.leases.set(key, { holder, heldUntilMs: expiresAtMs });
      return { slot, holder };
    }
    return undefined;
  }

  async release(endpointId: string, lease: InFlightLease): Promise<void> {
    const key = `${endpointId}#${lease.slot}`;
    if (this.leases.get(key)?.holder === lease.holder) this.leases.delete(key);
  }

  /** Leases held now (for assertions). */
  held(endpointId: string, nowMs: number): number {
    return [...this.leases.entries()].filter(([key, lease]) => key.startsWith(`${endpointId}#`) && lease.heldUntilMs >= nowMs).length;
  }
}
