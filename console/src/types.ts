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
