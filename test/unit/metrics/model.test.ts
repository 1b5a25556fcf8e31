/**
 * The metric model (functions/metrics.ts) as Powertools Metrics writes it: one EMF document per
 * figure, always under {service}, plus one set per drill-down dimension, and nothing carried
 * over from one document to the next.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { count, GatewayMetrics, milliseconds } from '../../../functions/metrics';

let printed: Array<Record<string, any>>;
let restore: () => void;

beforeEach(() => {
  Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_SERVICE_NAME: 'svc', POWERTOOLS_METRICS_NAMESPACE: 'ns' });
  printed = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) printed.push(JSON.parse(line) as Record<string, any>);
    return true;
  }) as typeof process.stdout.write;
  restore = () => {
    process.stdout.write = write;
  };
});

afterEach(() => {
  restore();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

describe('the metric model', () => {
  it('publishes each figure at once under {service} and each drill-down set, values alongside', () => {
    const metrics = new GatewayMetrics();
    metrics.record([count('processed'), milliseconds('processingLatency', 12)], { source: 'stripe' });
    metrics.count('verificationFailures', { source: 'github', reason: 'mismatch' });
    metrics.count('deliveriesSucceeded');
    expect(printed).toHaveLength(3);
    const [processed, failures, succeeded] = printed;
    expect(processed!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ns',
        Dimensions: [['service'], ['service', 'source']],
        Metrics: [
          { Name: 'processed', Unit: 'Count' },
          { Name: 'processingLatency', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(processed).toMatchObject({ service: 'svc', source: 'stripe', processed: 1, processingLatency: 12 });
    expect(failures!._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service'], ['service', 'source'], ['service', 'reason']]);
    expect(failures).toMatchObject({ source: 'github', reason: 'mismatch', verificationFailures: 1 });
    // Nothing of the documents before: no source, no reason, no other figure.
    expect(succeeded!._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'ns', Dimensions: [['service']], Metrics: [{ Name: 'deliveriesSucceeded', Unit: 'Count' }] },
    ]);
    expect(Object.keys(succeeded!).sort()).toEqual(['_aws', 'deliveriesSucceeded', 'service']);
  });

  it('leaves out an empty drill-down value rather than emitting a dimension without one', () => {
    new GatewayMetrics().count('received', { source: '' });
    expect(printed[0]!._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
  });
});
