/**
 * Limits the stack enforces from the config: how many instances each queue consumer may run
 * (so a backlog cannot take the account's concurrency from ingress), optional reserved
 * concurrency, and a body limit that fits Lambda's invocation payload (refused at synth otherwise).
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { ConfigError } from '../../shared/config/load';
import { MAX_BODY_BYTES_THAT_FIT } from '../../shared/inbound/body-limit';

function synth(change: (document: Record<string, any>) => void = () => undefined): Template {
  const document = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as Record<string, any>;
  change(document);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gw-limits-')), 'config.json');
  writeFileSync(file, JSON.stringify(document));
  return Template.fromStack(buildApp(file, new App({ context: { 'aws:cdk:bundling-stacks': [] } })).stack);
}

function functionId(template: Template, prefix: string): string {
  const id = Object.keys(template.findResources('AWS::Lambda::Function')).find((logicalId) => logicalId.startsWith(prefix));
  if (!id) throw new Error(`no function ${prefix}`);
  return id;
}

describe('concurrency', () => {
  it('bounds both queue event source mappings with maximumConcurrency (20 by default) and reserves nothing by default', () => {
    const template = synth();
    for (const consumer of ['InboundProcessor', 'OutboundDispatcher']) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: functionId(template, consumer) },
        ScalingConfig: { MaximumConcurrency: 20 },
      });
    }
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('takes both bounds and per-function reserved concurrency from the config', () => {
    const template = synth((document) => {
      document.inbound.maximumConcurrency = 50;
      document.outbound = { maximumConcurrency: 5 };
      document.operations = { reservedConcurrency: { ingress: 100, processor: 50, deliver: 10 } };
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(template, 'InboundProcessor') },
      ScalingConfig: { MaximumConcurrency: 50 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(template, 'OutboundDispatcher') },
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const functions = template.findResources('AWS::Lambda::Function');
    expect(functions[functionId(template, 'InboundIngress')]!.Properties.ReservedConcurrentExecutions).toBe(100);
    expect(functions[functionId(template, 'InboundProcessor')]!.Properties.ReservedConcurrentExecutions).toBe(50);
    expect(functions[functionId(template, 'OutboundDeliver')]!.Properties.ReservedConcurrentExecutions).toBe(10);
    expect(functions[functionId(template, 'Api')]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', Match.objectLike({ ReservedConcurrentExecutions: 10 }));
  });

  it('refuses a mapping allowed more instances than its function may run, and values Lambda refuses', () => {
    expect(() =>
      synth((document) => {
        document.operations = { reservedConcurrency: { processor: 10 } };
      }),
    ).toThrow(/inbound\.maximumConcurrency: 20 exceeds operations\.reservedConcurrency\.processor \(10\)/);
    expect(() => synth((document) => (document.outbound = { maximumConcurrency: 1 }))).toThrow(ConfigError);
    expect(() => synth((document) => (document.inbound.maximumConcurrency = 1001))).toThrow(/inbound\.maximumConcurrency/);
  });
});

describe('body limit', () => {
  it('refuses at synth a maxBodyBytes whose base64-encoded event cannot fit the invocation payload, with the reason', () => {
    const refuse = () => synth((document) => (document.inbound.maxBodyBytes = 5 * 1024 * 1024));
    expect(refuse).toThrow(ConfigError);
    expect(refuse).toThrow(/inbound\.maxBodyBytes: 5242880 bytes cannot reach the ingress function: API Gateway base64-encodes binary bodies/);
    expect(refuse).toThrow(new RegExp(`largest that fits is ${MAX_BODY_BYTES_THAT_FIT}`));
  });

  it('accepts the largest body that fits', () => {
    expect(() => synth((document) => (document.inbound.maxBodyBytes = MAX_BODY_BYTES_THAT_FIT))).not.toThrow();
    expect(() => synth((document) => (document.inbound.maxBodyBytes = MAX_BODY_BYTES_THAT_FIT + 1))).toThrow(/cannot reach the ingress function/);
  });
});
