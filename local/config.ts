/**
 * The configuration of the local runtime: the config file, validated as at synth and cold start
 * (with the local target's allowances), and `DELIVERY_RETRY_SCHEDULE` to compress the outbound
 * schedule. The override is written into the document before it is validated, so it passes the
 * same review as a schedule in the file: a wait of 0 s is refused here as it is at synth.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig } from '../shared/config/load';
import type { GatewayConfig } from '../shared/config/schema';
import { LOCAL_VARIABLES } from '../shared/deployment/environment';
import { isObject } from '../shared/json';

/** `1,2,3` (seconds) → `[1, 2, 3]`; blank → `undefined`. Anything but whole seconds is refused. */
export function scheduleOverride(value: string | undefined): number[] | undefined {
  if (!value?.trim()) return undefined;
  const seconds = value.split(',').map((part) => Number(part.trim()));
  if (seconds.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ConfigError(`${LOCAL_VARIABLES.retrySchedule} must be comma-separated whole seconds, got "${value}"`);
  }
  return seconds;
}

/**
 * Reads and validates `path` for the local runtime, with the retry schedule replaced when
 * `retrySchedule` (the `DELIVERY_RETRY_SCHEDULE` value) is set.
 *
 * @example
 * loadLocalConfig('webhooks.config.json', { retrySchedule: '1,1,1' }).outbound.retrySchedule; // [1, 1, 1]
 */
export function loadLocalConfig(path: string, options: { retrySchedule?: string | undefined } = {}): GatewayConfig {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  const schedule = scheduleOverride(options.retrySchedule);
  if (!schedule) return parseConfig(document, path, { target: 'local' });
  const outbound = isObject(document) && isObject(document.outbound) ? document.outbound : {};
  const overridden = { ...(isObject(document) ? document : {}), outbound: { ...outbound, retrySchedule: schedule } };
  return parseConfig(overridden, `${path} with ${LOCAL_VARIABLES.retrySchedule}=${options.retrySchedule}`, { target: 'local' });
}
