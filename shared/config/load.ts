/**
 * Loading and validating the gateway configuration. The same `parseConfig` runs at synth and at
 * local start; synth embeds its output in each function, which trusts it at cold start
 * (functions/environment.ts), so a config that deploys is a config that runs.
 */
import { readFileSync } from 'node:fs';
import type * as z from 'zod';
import { configSchema, type GatewayConfig } from './schema';
import { reviewConfig, type ReviewOptions } from './security';
import { ConfigError } from './errors';

export { ConfigError } from './errors';

/**
 * Validates a parsed JSON document against the schema.
 *
 * @example
 * const config = parseConfig(JSON.parse(text), 'webhooks.config.json');
 */
export function parseConfig(document: unknown, origin = 'webhooks.config.json', options: ReviewOptions = { target: 'aws' }): GatewayConfig {
  const review = reviewConfig(document, options);
  if (review.errors.length) throw new ConfigError(`${origin} is insecure:`, review.errors);
  const result = configSchema.safeParse(document);
  if (!result.success) {
    throw new ConfigError(
      `${origin} is invalid:`,
      result.error.issues.map((issue) => describeIssue(document, issue)),
    );
  }
  return result.data;
}

/** Reads and validates a config file. */
export function loadConfigFile(path: string, options: ReviewOptions = { target: 'aws' }): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(document, path, options);
}

/** `sources[2].toleranceSeconds` becomes `sources[2] ("slack").toleranceSeconds` so the source is named. */
function describeIssue(document: unknown, issue: z.core.$ZodIssue): string {
  const parts: string[] = [];
  let node: unknown = document;
  for (const key of issue.path) {
    if (typeof key === 'number') {
      const name = node && typeof node === 'object' ? (node as unknown[])[key] : undefined;
      const label = name && typeof name === 'object' && typeof (name as { name?: unknown }).name === 'string' ? ` ("${(name as { name: string }).name}")` : '';
      parts.push(`[${key}]${label}`);
    } else {
      parts.push(parts.length ? `.${String(key)}` : String(key));
    }
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  }
  const where = parts.join('') || '(root)';
  return `${where}: ${issue.message}`;
}
