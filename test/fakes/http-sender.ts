/**
 * An `HttpSender` that answers from a script instead of the network: each request gets the next
 * scripted response (the last one repeats), and every request is kept for the test to inspect.
 * The HTTP sender itself is tested against real sockets (test/unit/outbound/http-sender.test.ts).
 */
import type { DeliveryRequest, DeliveryResult, HttpSender } from '../../shared/outbound/http-sender';

export type ScriptedResponse = number | Partial<DeliveryResult>;

export class ScriptedSender implements HttpSender {
  readonly requests: DeliveryRequest[] = [];
  private readonly script: ScriptedResponse[];

  constructor(...script: ScriptedResponse[]) {
    this.script = script.length ? script : [200];
  }

  async send(request: DeliveryRequest): Promise<DeliveryResult> {
    this.requests.push(request);
    const next = this.script.length > 1 ? this.script.shift()! : this.script[0]!;
    const response = typeof next === 'number' ? { statusCode: next } : next;
    return { statusCode: 200, durationMs: 3, responseBody: '', ...response };
  }
}
