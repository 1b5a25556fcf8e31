/**
 * Deploy twice: `cdk destroy` then `cdk deploy`, or two stacks in one account and region,
 * cannot collide on a name. Every resource type in the template is classified here by the
 * property that would give it a fixed physical name; a name is allowed only when it is derived
 * from the stack's name (unique per account and region) and the resource is deleted with the
 * stack, or when it is one the config asks for. A new resource type fails until it is classified.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';

/** The property naming each resource type, or `null` for types whose name is not global (reason given). */
const NAME_PROPERTY: Record<string, string | null> = {
  'AWS::ApiGatewayV2::Api': null, // `Name` is a label: HTTP APIs are identified by a generated id
  'AWS::ApiGatewayV2::Integration': null,
  'AWS::ApiGatewayV2::Route': null,
  'AWS::ApiGatewayV2::Stage': null, // `$default` is per API
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Events::Rule': 'Name',
  'AWS::IAM::Policy': null, // `PolicyName` of an inline policy is per role
  'AWS::IAM::Role': 'RoleName',
  'AWS::KMS::Key': null,
  'AWS::KMS::Alias': 'AliasName',
  'AWS::Lambda::EventSourceMapping': null,
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Lambda::Permission': null,
  'AWS::Lambda::Url': null,
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::S3::BucketPolicy': null,
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SNS::Subscription': null,
  'AWS::SNS::TopicPolicy': null,
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SQS::QueuePolicy': null,
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
};

function synth(context: Record<string, unknown>, change?: (document: Record<string, any>) => void): { template: Template; stackName: string } {
  let configPath = 'webhooks.config.json';
  if (change) {
    const document = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, any>;
    change(document);
    configPath = path.join(mkdtempSync(path.join(tmpdir(), 'gw-names-')), 'config.json');
    writeFileSync(configPath, JSON.stringify(document));
  }
  const { stack } = buildApp(configPath, new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));
  return { template: Template.fromStack(stack), stackName: stack.stackName };
}

/** Every fixed physical name in a template: [logical id, type, the name as written]. */
function physicalNames(template: Template): Array<{ id: string; type: string; name: unknown; deletionPolicy: unknown }> {
  const names = [];
  for (const [id, resource] of Object.entries(
    template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>,
  )) {
    expect(Object.keys(NAME_PROPERTY), `resource type ${resource.Type} (${id}) is not classified in this test`).toContain(resource.Type);
    const property = NAME_PROPERTY[resource.Type];
    const name = property ? resource.Properties?.[property] : undefined;
    if (name !== undefined) names.push({ id, type: resource.Type, name, deletionPolicy: resource.DeletionPolicy });
  }
  return names;
}

describe('no fixed physical name remains', () => {
  it('names only what is derived from the stack name and deleted with the stack', () => {
    const { template, stackName } = synth({});
    const names = physicalNames(template);
    // The two log groups that must sit under /aws/vendedlogs/ (which needs a name).
    expect(names.map(({ id }) => id).sort()).toEqual([expect.stringMatching(/^HttpApiAccessLogs/), expect.stringMatching(/^OutboundRetryExecutionLogs/)]);
    for (const { id, name, deletionPolicy } of names) {
      expect(typeof name === 'string' && name.includes(stackName), `${id} is named ${JSON.stringify(name)}, not from the stack`).toBe(true);
      expect(deletionPolicy, `${id} would be retained and block the next deploy's name`).toBe('Delete');
    }
  });

  it('gives two stacks in one account and region (`-c stackName=…`) names that do not meet', () => {
    const first = physicalNames(synth({ stackName: 'GatewayBlue' }).template).map(({ name }) => JSON.stringify(name));
    const second = physicalNames(synth({ stackName: 'GatewayGreen' }).template).map(({ name }) => JSON.stringify(name));
    expect(first.length).toBeGreaterThan(0);
    expect(first.filter((name) => second.includes(name))).toEqual([]);
  });

  it('adopts an existing secret by name instead of creating one, granting the ingress that secret only', () => {
    const { template } = synth({}, (document) => {
      document.sources[0].secretName = 'shared/stripe-signing-secret';
    });
    // The sources' secrets, the portal signing key aside.
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) => !id.startsWith('PortalKey'))).toHaveLength(
      document().sources.length - 1,
    );
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
    );
    const secretGrant = statements.find((statement) => statement.Action === 'secretsmanager:GetSecretValue')!;
    expect(JSON.stringify(secretGrant.Resource)).toContain(':secret:shared/stripe-signing-secret-??????');
    const ingress = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('InboundIngress'))![1];
    expect(JSON.stringify(ingress.Properties.Environment.Variables.ADOPTED_SOURCE_SECRETS)).toContain('{\\"stripe\\":\\"shared/stripe-signing-secret\\"');
    expect(JSON.stringify(ingress.Properties.Environment.Variables.SOURCE_SECRET_IDS)).not.toContain('stripe');
  });

  it('refuses a stack name CloudFormation would not accept', () => {
    expect(() => synth({ stackName: 'not a name' })).toThrow(/stackName "not a name"/);
  });
});

function document(): { sources: unknown[] } {
  return JSON.parse(readFileSync('webhooks.config.json', 'utf8')) as { sources: unknown[] };
}
