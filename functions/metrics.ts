/**
 * The gateway's metric model, one rule for every function.
 *
 * Each figure is published as it happens, as one CloudWatch Embedded Metric Format document
 * written by Powertools Metrics: namespace `POWERTOOLS_METRICS_NAMESPACE`, and Powertools'
 * default dimension `service` (`POWERTOOLS_SERVICE_NAME`). The document always carries the
 * dimension set `{service}`: that is the metric the alarms and the dashboard watch. When the
 * figure has a low-cardinality breakdown (the source, a verification failure's reason, an
 * attempt's outcome), the same document carries one more dimension set per breakdown,
 * `{service, source}` and so on, for drill-down; CloudWatch then records the same values under
 * each set (each dimension set is a metric of its own).
 *
 * Why not one buffered document per invocation (Powertools' `logMetrics`): a document has one
 * value per dimension, and a batch holds events of several sources; and `addDimension` would
 * move every figure of the invocation out of the `{service}` set the alarms watch. Each
 * document is built and published in one synchronous step, and publishing clears the figures,
 * dimensions and sets it held, so nothing one figure adds leaks into another.
 *
 * Never a high-cardinality value (an event id, an endpoint URL, a free-text reason) as a dimension.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The drill-down dimensions a figure may carry (each becomes its own dimension set). */
export interface Breakdown {
  readonly source?: string;
  readonly reason?: string;
  readonly outcome?: string;
}

export interface Figure {
  readonly name: string;
  readonly unit: (typeof MetricUnit)[keyof typeof MetricUnit];
  readonly value: number;
}

export class GatewayMetrics {
  private metrics?: Metrics;

  /**
   * Publishes `figures` now, in one document, under `{service}` and one `{service, key}` set
   * per defined key of `breakdown`.
   *
   * @example metrics.record([count('processed'), { name: 'processingLatency', unit: MetricUnit.Milliseconds, value: 42 }], { source: 'stripe' });
   */
  record(figures: readonly Figure[], breakdown: Breakdown = {}): void {
    if (figures.length === 0) return;
    // One instance, built on first use: namespace and service from POWERTOOLS_* as Lambda sets them.
    this.metrics ??= new Metrics();
    const document = this.metrics;
    const sets = Object.entries(breakdown).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length > 0);
    if (sets.length) {
      // With any other set present, Powertools emits the default dimensions alone only when
      // asked to: an empty set is exactly `{service}`.
      document.addDimensions({});
      for (const [key, value] of sets) document.addDimensions({ [key]: value });
    }
    for (const figure of figures) document.addMetric(figure.name, figure.unit, figure.value);
    document.publishStoredMetrics();
  }

  /** One count of `name` (value 1 unless given). */
  count(name: string, breakdown: Breakdown = {}, value = 1): void {
    this.record([count(name, value)], breakdown);
  }
}

export function count(name: string, value = 1): Figure {
  return { name, unit: MetricUnit.Count, value };
}

export function milliseconds(name: string, value: number): Figure {
  return { name, unit: MetricUnit.Milliseconds, value };
}
