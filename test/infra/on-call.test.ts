/** The on-call topic's subscriptions come from the config. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { buildApp } from '../../infra/app';

it('subscribes the configured emails and HTTPS endpoints (a paging service) to the on-call topic', () => {
  const document = JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as Record<string, unknown>;
  document.operations = {
    onCall: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.pagerduty.example/integration/abc/enqueue'] },
    alarms: { verificationFailures: 100 },
  };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gw-oncall-')), 'config.json');
  writeFileSync(file, JSON.stringify(document));
  const template = Template.fromStack(buildApp(file, new App({ context: { 'aws:cdk:bundling-stacks': [] } })).stack);
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://events.pagerduty.example/integration/abc/enqueue' });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'verificationFailures', Threshold: 100 });
  expect(Object.keys(template.findResources('AWS::SNS::Subscription'))).toHaveLength(2);
});
