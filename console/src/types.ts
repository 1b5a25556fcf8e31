/** The API's responses as the console reads them (see openapi.yaml for the full contract). */

export interface SourceView {
  readonly name: string;
  readonly provider: string;
  readonly description?: string;
}

export interface InboundEventView {
  readonly source: string;
  readonly id: string;
  readonly type?: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly updatedAt?: string;
  readonly attempts?: number;
  readonly bodyBytes?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly processedAt?: string;
  readonly failedAt?: string;
  readonly lastError?: string;
  readonly deadLettered?: boolean;
  /** Each destination's outcome, by name. */
  readonly destinations?: Readonly<Record<string, { status: 'delivered' | 'failed'; at: string; attempts: number; error?: string }>>;
}

export interface EndpointView {
  readonly id: string;
  readonly url: string;
  readonly tenantId?: string;
  readonly description?: string;
  readonly eventTypes: readonly string[];
  readonly filter?: string;
  readonly transform?: string;
  readonly signatureScheme: string;
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DeliveryView {
  readonly messageId: string;
  readonly endpointId: string;
  readonly eventType?: string;
  readonly tenantId?: string;
  readonly status: string;
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastStatusCode?: number;
  readonly lastError?: string;
  readonly nextAttemptAt?: string;
}

export interface AttemptView {
  readonly messageId: string;
  readonly endpointId: string;
  readonly attempt: number;
  readonly at: string;
  readonly trigger: string;
  readonly outcome: string;
  readonly statusCode: number;
  readonly responseBody: string;
  readonly durationMs: number;
  readonly error?: string;
  readonly nextAttemptAt?: string;
  readonly requestHeaders?: Readonly<Record<string, string>>;
  readonly url?: string;
}

export interface MessageView {
  readonly id: string;
  readonly eventType: string;
  readonly tenantId?: string;
  readonly createdAt: string;
  readonly idempotencyKey?: string;
  readonly endpointId?: string;
  readonly deliveries?: readonly DeliveryView[];
}

export interface EndpointCreated extends EndpointView {
  readonly secret: string;
}

export interface EndpointFull extends EndpointView {
  readonly headers?: Readonly<Record<string, string>>;
  readonly disabledAt?: string;
  readonly failingSince?: string;
}

export interface EventBody {
  readonly contentType?: string;
  readonly bytes: number;
  readonly encoding: 'utf8' | 'base64';
  readonly body: string;
}

export interface ExpressionVerdict {
  readonly ok: boolean;
  readonly passed?: boolean;
  readonly result?: unknown;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface EvaluateResult {
  readonly filter?: ExpressionVerdict;
  readonly transform?: ExpressionVerdict;
  readonly outcome: 'sent' | 'filtered' | 'failed';
  readonly body?: string;
}

export interface InboundSeries {
  readonly source: string;
  readonly received: number[];
  readonly processed: number[];
  readonly failed: number[];
  readonly deadLettered: number[];
  readonly total: { received: number; processed: number; failed: number; deadLettered: number };
}

export interface OutboundSeries {
  readonly endpointId: string;
  readonly succeeded: number[];
  readonly failed: number[];
  readonly successRate: Array<number | null>;
  readonly p50Ms: Array<number | null>;
  readonly p99Ms: Array<number | null>;
  readonly total: { succeeded: number; failed: number; successRate: number | null; p50Ms: number | null; p99Ms: number | null };
}

export interface TrafficStatsView {
  readonly window: '1h' | '24h';
  readonly bucketSeconds: number;
  readonly from: string;
  readonly to: string;
  readonly buckets: string[];
  readonly statusLog: boolean;
  readonly inbound: InboundSeries[];
  readonly outbound: OutboundSeries[];
}

export interface DeadLetterQueueView {
  readonly queue: 'inbound' | 'outbound';
  readonly visible: number;
  readonly inFlight: number;
  readonly depth: number;
  readonly oldestAgeSeconds?: number;
  readonly sample: ReadonlyArray<{ messageId: string; sentAt?: string; receiveCount?: number; body: unknown }>;
}

export interface SearchResultView {
  readonly query: string;
  readonly events: InboundEventView[];
  readonly messages: MessageView[];
  readonly endpoints: EndpointView[];
}
