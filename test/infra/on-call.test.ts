/** The on-call topic's subscriptions come from the config. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { evaluate, resolveIntrinsics, type PolicyStatement } from '../support/iam-policy';

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

/**
 * What CloudWatch does when an alarm changes state, as AWS documents it: the CloudWatch service
 * principal publishes to the topic, carrying the alarm's ARN and account as aws:SourceArn and
 * aws:SourceAccount (confused-deputy protection), over TLS; for a topic encrypted with a customer
 * managed key it must also be able to call kms:GenerateDataKey* and kms:Decrypt on the key.
 * (Sources in the README: "CloudWatch alarms reach on-call".)
 */
describe('the on-call topic and its key let CloudWatch alarms of this account publish, and nothing else', () => {
  const env = { account: '111122223333', region: 'eu-west-1' };
  const { stack } = buildApp('webhooks.config.json', new App({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const template = Template.fromStack(stack);
  const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
  const topicArn = `arn:aws:sns:${env.region}:${env.account}:${stack.stackName}-OnCall-ABCDEF`;
  const resolve = (value: unknown) =>
    resolveIntrinsics(value, { ...env, stackName: stack.stackName }, (logicalId) => (logicalId === topicId ? topicArn : `arn:aws:unknown:::${logicalId}`));
  const alarmNames = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) => `${stack.stackName}-${id}-0123456789AB`);
  const alarmArn = (name: string, account = env.account, region = env.region) => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

  const topicStatements = (): PolicyStatement[] => {
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    expect(policies[0]!.Properties.Topics).toEqual([{ Ref: topicId }]);
    return (resolve(policies[0]!.Properties.PolicyDocument) as { Statement: PolicyStatement[] }).Statement;
  };
  const keyStatements = (): PolicyStatement[] => {
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    return (resolve(keys[0]!.Properties.KeyPolicy) as { Statement: PolicyStatement[] }).Statement;
  };
  const publish = (context: Record<string, string>, service = 'cloudwatch.amazonaws.com') => ({
    principal: { service },
    action: 'SNS:Publish',
    resource: topicArn,
    context: { 'aws:SecureTransport': 'true', ...context },
  });

  it('allows every alarm of the stack to publish to the topic over TLS', () => {
    const statements = topicStatements();
    expect(alarmNames.length).toBeGreaterThanOrEqual(20);
    for (const name of alarmNames) {
      expect(evaluate(statements, publish({ 'aws:SourceAccount': env.account, 'aws:SourceArn': alarmArn(name) })), name).toBe('allowed');
    }
  });

  it('keeps the TLS-only Deny, and refuses alarms of other accounts or regions and other services', () => {
    const statements = topicStatements();
    const own = { 'aws:SourceAccount': env.account, 'aws:SourceArn': alarmArn(alarmNames[0]!) };
    expect(evaluate(statements, publish({ ...own, 'aws:SecureTransport': 'false' }))).toBe('explicitly denied');
    expect(evaluate(statements, publish({ 'aws:SourceAccount': '999988887777', 'aws:SourceArn': alarmArn('x', '999988887777') }))).toBe('implicitly denied');
    expect(evaluate(statements, publish({ 'aws:SourceAccount': env.account, 'aws:SourceArn': alarmArn('x', env.account, 'us-west-2') }))).toBe(
      'implicitly denied',
    );
    expect(evaluate(statements, publish({ 'aws:SourceAccount': env.account }))).toBe('implicitly denied');
    expect(evaluate(statements, publish(own, 'events.amazonaws.com'))).toBe('implicitly denied');
  });

  it('lets CloudWatch use the topic key (GenerateDataKey*, Decrypt) for this account only', () => {
    const statements = keyStatements();
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      const request = (account: string) => ({
        principal: { service: 'cloudwatch.amazonaws.com' },
        action,
        resource: `arn:aws:kms:${env.region}:${env.account}:key/1234`,
        context: { 'aws:SourceAccount': account, 'aws:SourceArn': alarmArn(alarmNames[0]!, account) },
      });
      expect(evaluate(statements, request(env.account)), action).toBe('allowed');
      expect(evaluate(statements, request('999988887777')), action).toBe('implicitly denied');
    }
  });
});
