/**
 * The environment contract: what is written is what the one parser reads, a missing or malformed
 * variable is an error naming it, and no variable name is spelled anywhere but in the contract.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../../local/config';
import { ConfigError } from '../../../shared/config/load';
import { LOCAL_VARIABLES, POWERTOOLS_VARIABLES, VARIABLES, readEnvironment, writeEnvironment } from '../../../shared/deployment/environment';
import { AWS_SETTINGS, functionEnvironment } from '../../../shared/deployment/functions';

describe('the environment contract', () => {
  it('reads back what it writes: text, whole seconds and flags, typed', () => {
    const written = writeEnvironment('dispatcher', {
      tableName: 't',
      payloadBucket: 'b',
      outboundQueueUrl: 'q',
      retryStateMachineArn: 'arn',
      endpointCacheSeconds: 5,
      allowPrivateTargets: true,
    });
    expect(written).toEqual({
      WEBHOOKS_TABLE: 't',
      PAYLOAD_BUCKET: 'b',
      OUTBOUND_QUEUE_URL: 'q',
      RETRY_STATE_MACHINE_ARN: 'arn',
      ENDPOINT_CACHE_SECONDS: '5',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    });
    expect(readEnvironment('dispatcher', written)).toEqual({
      tableName: 't',
      payloadBucket: 'b',
      outboundQueueUrl: 'q',
      retryStateMachineArn: 'arn',
      endpointCacheSeconds: 5,
      allowPrivateTargets: true,
    });
    expect(readEnvironment('deliver', { ...written, UNRELATED: 'x' })).toEqual({
      tableName: 't',
      payloadBucket: 'b',
      outboundQueueUrl: 'q',
      allowPrivateTargets: true,
    });
  });

  it('refuses a missing required variable or a malformed value, naming the variable', () => {
    expect(() => readEnvironment('stream', {})).toThrow('environment variable WEBHOOKS_TABLE is not set');
    expect(() => readEnvironment('ingress', { WEBHOOKS_TABLE: 't', PAYLOAD_BUCKET: 'b', INBOUND_QUEUE_URL: 'q', SECRET_CACHE_SECONDS: '5m' })).toThrow(
      /SECRET_CACHE_SECONDS/,
    );
    expect(() =>
      readEnvironment('deliver', { WEBHOOKS_TABLE: 't', PAYLOAD_BUCKET: 'b', OUTBOUND_QUEUE_URL: 'q', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' }),
    ).toThrow(/WEBHOOK_ALLOW_PRIVATE_TARGETS/);
  });

  it('writes the stack’s settings in AWS: secrets from Secrets Manager by ARN segment under one prefix, endpoints cached for 5 s', () => {
    const names = { tableName: 't', payloadBucket: 'b', inboundQueueUrl: 'i', inboundDeadLetterQueueUrl: 'd', outboundQueueUrl: 'o' };
    const settings = {
      ...AWS_SETTINGS,
      sourceSecretIds: JSON.stringify({ stripe: 'InboundSecretstripe-AbCdEf' }),
      secretArnPrefix: 'arn:aws:secretsmanager:us-east-1:1:secret:',
    };
    expect(readEnvironment('ingress', functionEnvironment('ingress', names, settings))).toMatchObject({
      sourceSecretIds: { stripe: 'InboundSecretstripe-AbCdEf' },
      secretArnPrefix: 'arn:aws:secretsmanager:us-east-1:1:secret:',
      secretCacheSeconds: 300,
    });
    expect(readEnvironment('ingress', functionEnvironment('ingress', names, settings))).not.toHaveProperty('adoptedSourceSecrets');
    expect(readEnvironment('processor', functionEnvironment('processor', names, settings))).toMatchObject({ endpointCacheSeconds: 5 });
    expect(() => functionEnvironment('api', names, settings)).toThrow(/inboundQueueArn/);
    expect(() => functionEnvironment('dispatcher', names, settings)).toThrow(/retryStateMachineArn/);
  });

  it('is the only place a variable name is spelled, in the code of infra/, functions/, shared/, local/, bench/ and test/support/', () => {
    const names = [...Object.values(VARIABLES).map((variable) => variable.name), ...Object.values(POWERTOOLS_VARIABLES), ...Object.values(LOCAL_VARIABLES)];
    const contract = path.join('shared', 'deployment', 'environment.ts');
    const offenders: string[] = [];
    const visit = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const file = path.join(dir, entry);
        if (statSync(file).isDirectory()) visit(file);
        else if (file.endsWith('.ts') && file !== contract) {
          // Comments may name a variable for the reader; code may not.
          const code = readFileSync(file, 'utf8')
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
          for (const name of names) if (new RegExp(`(['"\`.]${name}\\b)|(\\b${name}\\s*:)`).test(code)) offenders.push(`${file}: ${name}`);
        }
      }
    };
    for (const dir of ['infra', 'functions', 'shared', 'local', 'bench', path.join('test', 'support')]) visit(dir);
    expect(offenders).toEqual([]);
  });
});

describe('the local retry schedule', () => {
  it('replaces the configured one and passes the same review: a 0 s wait is refused as at synth', () => {
    expect(loadLocalConfig('webhooks.config.json', { retrySchedule: '1,2,3' }).outbound.retrySchedule).toEqual([1, 2, 3]);
    expect(loadLocalConfig('webhooks.config.json').outbound.retrySchedule).toEqual([5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400]);
    expect(() => loadLocalConfig('webhooks.config.json', { retrySchedule: '0,1' })).toThrow(ConfigError);
    expect(() => loadLocalConfig('webhooks.config.json', { retrySchedule: '0,1' })).toThrow(/outbound\.retrySchedule: waits must be longer than zero/);
    expect(() => loadLocalConfig('webhooks.config.json', { retrySchedule: '1,soon' })).toThrow(/DELIVERY_RETRY_SCHEDULE/);
  });
});
