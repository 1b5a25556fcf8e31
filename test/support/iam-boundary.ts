/**
 * IAM across the boundary: the AWS SDK commands the functions' real code sends, recorded by a
 * middleware on their real clients, each mapped to the IAM action(s) AWS authorizes it by and
 * the ARN of the resource it names, and held against the policy of that function's role in the
 * synthesized template (its statements' Action and Resource, `Ref`/`Fn::GetAtt`/`Fn::Join`
 * resolved to the resources the run used).
 *
 * Which template resource a local resource stands for is read from the functions' environments:
 * the stack writes `WEBHOOKS_TABLE: {Ref: StorageTable…}` where the local runtime writes the
 * emulator's table name, so the table the code names is the table the policy names.
 *
 * The action map follows AWS's documentation (README, "Tests"): a batch SQS action is
 * authorized by its single action (`SendMessageBatch` by `sqs:SendMessage`); a DynamoDB
 * transaction by the action of each of its parts (`Put` by `dynamodb:PutItem`, …); S3
 * `HeadObject` by `s3:GetObject`; a message move task by `sqs:StartMessageMoveTask` and the
 * move's own permissions on the source (`ReceiveMessage`, `DeleteMessage`, `GetQueueAttributes`)
 * and `sqs:SendMessage` on the destination, as SQS moves the messages with the caller's
 * permissions. A command this map does not know fails the check: a new call must be mapped.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { identityDecision, resolveIntrinsics, type PolicyStatement } from './iam-policy';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

/** One IAM authorization a call needs: the action and the ARN of the resource. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
}

/** One command a function's code sent, with what it needs authorized (or why that is unknown). */
export interface RecordedCall {
  readonly fn: string;
  readonly client: string;
  readonly command: string;
  readonly requests: readonly IamRequest[];
  readonly unmapped?: string;
}

interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority?: 'high' },
    ): void;
  };
}

/** Records every command sent through the clients it is given, per function. */
export class CallRecorder {
  readonly calls: RecordedCall[] = [];

  /**
   * Adds the recording middleware to `client`: every command it sends is counted as `fn`'s, or,
   * for a client several functions share in one process, as the function `fn()` names then.
   */
  record<C>(fn: string | (() => string | undefined), client: C): C {
    (client as unknown as MiddlewareClient).middlewareStack.add(
      (next, context) => async (args) => {
        const caller = typeof fn === 'string' ? fn : (fn() ?? 'unknown');
        const clientName = (context.clientName ?? 'unknown').replace(/Client$/, '');
        const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
        try {
          this.calls.push({ fn: caller, client: clientName, command, requests: iamRequestsOf(clientName, command, args.input as Record<string, any>) });
        } catch (error) {
          this.calls.push({ fn: caller, client: clientName, command, requests: [], unmapped: (error as Error).message });
        }
        return next(args);
      },
      { step: 'initialize', name: 'record-iam-requests', priority: 'high' },
    );
    return client;
  }

  /** The functions that sent anything. */
  functions(): string[] {
    return [...new Set(this.calls.map((call) => call.fn))].sort();
  }
}

const tableArn = (table: string) => (table.startsWith('arn:') ? table : `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`);

/** A queue URL's ARN (`…/<account>/<name>`, in SQS and fauxqs alike). */
export function queueArnOf(url: string): string {
  const [account, name] = new URL(url).pathname.split('/').filter(Boolean);
  if (!account || !name) throw new Error(`not a queue URL: ${url}`);
  return `arn:aws:sqs:${REGION}:${account}:${name}`;
}

const DOCUMENT_COMMANDS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};

const TRANSACT_PARTS: Readonly<Record<string, string>> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

/** What AWS authorizes `command` of `client` (its SDK names) by, for this input. */
export function iamRequestsOf(client: string, command: string, input: Record<string, any>): IamRequest[] {
  switch (client) {
    case 'DynamoDB':
    case 'DynamoDBDocument': {
      const operation = DOCUMENT_COMMANDS[command] ?? command;
      const on = (action: string, table: string, index?: string) => ({
        action: `dynamodb:${action}`,
        resource: `${tableArn(table)}${index ? `/index/${index}` : ''}`,
      });
      switch (operation) {
        case 'GetItem':
        case 'PutItem':
        case 'UpdateItem':
        case 'DeleteItem':
          return [on(operation, input.TableName)];
        case 'Query':
        case 'Scan':
          return [on(operation, input.TableName, input.IndexName)];
        case 'BatchGetItem':
        case 'BatchWriteItem':
          return Object.keys(input.RequestItems ?? {}).map((table) => on(operation, table));
        case 'TransactWriteItems':
          return (input.TransactItems as Array<Record<string, { TableName: string }>>).flatMap((item) =>
            Object.entries(item).map(([part, body]) => {
              const action = TRANSACT_PARTS[part];
              if (!action) throw new Error(`TransactWriteItems part ${part} is not mapped`);
              return on(action, body.TableName);
            }),
          );
        case 'TransactGetItems':
          return (input.TransactItems as Array<{ Get: { TableName: string } }>).map((item) => on('GetItem', item.Get.TableName));
      }
      break;
    }
    case 'SQS': {
      const single = command.replace(/Batch$/, '');
      switch (single) {
        case 'SendMessage':
        case 'ReceiveMessage':
        case 'DeleteMessage':
        case 'ChangeMessageVisibility':
        case 'GetQueueAttributes':
        case 'PurgeQueue':
          return [{ action: `sqs:${single}`, resource: queueArnOf(input.QueueUrl) }];
        case 'ListMessageMoveTasks':
          return [{ action: 'sqs:ListMessageMoveTasks', resource: input.SourceArn }];
        case 'StartMessageMoveTask': {
          if (!input.DestinationArn) throw new Error('StartMessageMoveTask without DestinationArn (to the original sources) is not mapped');
          return [
            ...['StartMessageMoveTask', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'].map((action) => ({
              action: `sqs:${action}`,
              resource: input.SourceArn,
            })),
            { action: 'sqs:SendMessage', resource: input.DestinationArn },
          ];
        }
      }
      break;
    }
    case 'S3': {
      const objectArn = `arn:aws:s3:::${input.Bucket}/${input.Key}`;
      switch (command) {
        case 'PutObject':
        case 'GetObject':
        case 'DeleteObject':
          return [{ action: `s3:${command}`, resource: objectArn }];
        case 'HeadObject':
          return [{ action: 's3:GetObject', resource: objectArn }];
      }
      break;
    }
    case 'SFN':
      if (command === 'StartExecution') return [{ action: 'states:StartExecution', resource: input.stateMachineArn }];
      break;
    case 'SecretsManager':
      if (command === 'GetSecretValue') {
        if (!String(input.SecretId).startsWith('arn:')) throw new Error(`GetSecretValue by name (${input.SecretId}) is not mapped`);
        return [{ action: 'secretsmanager:GetSecretValue', resource: input.SecretId }];
      }
      break;
    case 'SNS':
      if (command === 'Publish') return [{ action: 'sns:Publish', resource: input.TopicArn }];
      break;
    case 'EventBridge':
      if (command === 'PutEvents')
        return (input.Entries as Array<{ EventBusName?: string }>).map((entry) => {
          const bus = entry.EventBusName ?? 'default';
          return { action: 'events:PutEvents', resource: bus.startsWith('arn:') ? bus : `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${bus}` };
        });
      break;
    case 'Lambda':
      if (command === 'Invoke') {
        if (!String(input.FunctionName).startsWith('arn:')) throw new Error(`Invoke by name (${input.FunctionName}) is not mapped`);
        return [{ action: 'lambda:InvokeFunction', resource: `${input.FunctionName}${input.Qualifier ? `:${input.Qualifier}` : ''}` }];
      }
      break;
    case 'STS':
      if (command === 'AssumeRole') return [{ action: 'sts:AssumeRole', resource: input.RoleArn }];
      break;
  }
  throw new Error(`${client} ${command} has no IAM mapping in test/support/iam-boundary.ts`);
}

/** A function's role in the template: its logical IDs and its policy statements as synthesized. */
export interface FunctionRole {
  readonly functionId: string;
  readonly roleId: string;
  readonly statements: readonly PolicyStatement[];
  /** The function's environment as synthesized (values are strings or intrinsics). */
  readonly environment: Readonly<Record<string, unknown>>;
}

/**
 * Each function's role by its description (`<service> <name> function`, infra/constructs/
 * gateway-function.ts), with every statement of the policies attached to it and of its own.
 */
export function functionRoles(template: Template, names: readonly string[]): Record<string, FunctionRole> {
  const roles = template.findResources('AWS::IAM::Role');
  const functions = template.findResources('AWS::Lambda::Function');
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const result: Record<string, FunctionRole> = {};
  for (const name of names) {
    const matching = Object.entries(roles).filter(([, role]) => String(role.Properties.Description ?? '').endsWith(` ${name} function`));
    if (matching.length !== 1) throw new Error(`expected one role described as the ${name} function, found ${matching.length}`);
    const [roleId, role] = matching[0]!;
    if (role.Properties.ManagedPolicyArns?.length) throw new Error(`the ${name} role has managed policies, which this check cannot read`);
    const fn = Object.entries(functions).find(([, candidate]) => candidate.Properties.Role?.['Fn::GetAtt']?.[0] === roleId);
    if (!fn) throw new Error(`no function has the role ${roleId}`);
    const attached = policies.filter((policy) => (policy.Properties.Roles as Array<{ Ref?: string }>).some((ref) => ref.Ref === roleId));
    const statements = [
      ...attached.flatMap((policy) => policy.Properties.PolicyDocument.Statement as PolicyStatement[]),
      ...((role.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: PolicyStatement[] } }>).flatMap((policy) => policy.PolicyDocument.Statement),
    ];
    result[name] = { functionId: fn[0], roleId, statements, environment: fn[1].Properties.Environment?.Variables ?? {} };
  }
  return result;
}

/**
 * The template's resources as the run's resources: for each function, each variable the stack
 * sets to a `Ref`/`Fn::GetAtt` is paired with the value the local runtime wrote for it, and the
 * other attributes are derived by the resource's type. `fixed` gives the value of resources no
 * local variable names (a secret's ARN). Anything else resolves to a name matching no ARN.
 */
export function localReferences(
  template: Template,
  roles: Readonly<Record<string, FunctionRole>>,
  localEnvironments: Readonly<Record<string, Readonly<Record<string, string>>>>,
  fixed: Readonly<Record<string, string>> = {},
): (logicalId: string, attribute?: string) => string {
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  const known = new Map<string, string>(Object.entries(fixed).map(([id, value]) => [`${id}.Ref`, value]));
  const set = (key: string, value: string, fn: string) => {
    const before = known.get(key);
    if (before !== undefined && before !== value) throw new Error(`${key} is ${before} for one function and ${value} for ${fn}`);
    known.set(key, value);
  };
  for (const [fn, role] of Object.entries(roles)) {
    const local = localEnvironments[fn];
    if (!local) continue;
    for (const [variable, value] of Object.entries(role.environment)) {
      if (local[variable] === undefined || !value || typeof value !== 'object') continue;
      const intrinsic = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (intrinsic.Ref) set(`${intrinsic.Ref}.Ref`, local[variable]!, fn);
      else if (intrinsic['Fn::GetAtt']) set(`${intrinsic['Fn::GetAtt'][0]}.${intrinsic['Fn::GetAtt'][1]}`, local[variable]!, fn);
    }
  }
  return (logicalId, attribute = 'Ref') => {
    const direct = known.get(`${logicalId}.${attribute}`);
    if (direct !== undefined) return direct;
    const ref = known.get(`${logicalId}.Ref`);
    const type = resources[logicalId]?.Type;
    if (ref !== undefined) {
      if (type === 'AWS::DynamoDB::Table' && attribute === 'Arn') return tableArn(ref);
      if (type === 'AWS::SQS::Queue' && attribute === 'Arn') return queueArnOf(ref);
      if (type === 'AWS::SQS::Queue' && attribute === 'QueueName') return new URL(ref).pathname.split('/').filter(Boolean)[1]!;
      if (type === 'AWS::S3::Bucket' && attribute === 'Arn') return `arn:aws:s3:::${ref}`;
    }
    return `unresolved:${logicalId}.${attribute}`;
  };
}

/** A role's statements with their resources resolved to the run's ARNs. */
export function resolvedStatements(role: FunctionRole, refs: (logicalId: string, attribute?: string) => string): PolicyStatement[] {
  return role.statements.map((statement) => ({
    ...statement,
    ...(statement.Resource === undefined
      ? {}
      : { Resource: resolveIntrinsics(statement.Resource, { account: ACCOUNT, region: REGION }, refs) as string | string[] }),
  }));
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every call its role does not allow, one line each (empty when all are allowed). */
export function deniedCalls(
  calls: readonly RecordedCall[],
  statementsOf: (fn: string) => readonly PolicyStatement[],
  nameOf: (arn: string) => string = (arn) => arn,
): string[] {
  const denied = new Set<string>();
  for (const call of calls) {
    if (call.unmapped) {
      denied.add(`${call.fn}: ${call.client} ${call.command}: ${call.unmapped}`);
      continue;
    }
    for (const request of call.requests) {
      const decision = identityDecision(statementsOf(call.fn), request.action, request.resource);
      if (decision !== 'allowed') denied.add(`${call.fn}: ${call.client} ${call.command} needs ${request.action} on ${nameOf(request.resource)} (${decision})`);
    }
  }
  return [...denied].sort();
}

/** A template resource value for people: `Ref` as its logical ID, `Fn::GetAtt` as `ID.Attr` (hash suffixes dropped), `Fn::Join` joined. */
export function label(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(label).join(', ');
  const object = value as Record<string, unknown>;
  const id = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
  if (typeof object.Ref === 'string') return object.Ref.startsWith('AWS::') ? `\${${object.Ref}}` : id(object.Ref);
  if (object['Fn::GetAtt']) {
    const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
    return `${id(logicalId)}.${attribute}`;
  }
  if (object['Fn::Join']) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(label).join(separator);
  }
  return JSON.stringify(value);
}

/**
 * Each (action, resource) an Allow statement of `role` grants that no recorded call of `fn`
 * needed, as `<fn>: <action> on <resource as in the template>`; a grant's wildcards are matched
 * against the requests.
 */
export function unexercisedGrants(
  fn: string,
  role: FunctionRole,
  refs: (logicalId: string, attribute?: string) => string,
  calls: readonly RecordedCall[],
): string[] {
  const requests = calls.filter((call) => call.fn === fn).flatMap((call) => call.requests);
  const unexercised: string[] = [];
  for (const statement of role.statements) {
    if (statement.Effect !== 'Allow') continue;
    const resources = statement.Resource === undefined ? [] : Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const action of list(statement.Action)) {
      for (const raw of resources as unknown[]) {
        const resource = String(resolveIntrinsics(raw, { account: ACCOUNT, region: REGION }, refs));
        const used = requests.some(
          (request) => identityDecision([{ Effect: 'Allow', Action: action, Resource: resource }], request.action, request.resource) === 'allowed',
        );
        if (!used) unexercised.push(`${fn}: ${action} on ${label(raw)}`);
      }
    }
  }
  return [...new Set(unexercised)].sort();
}

/** The template resource an ARN of the run stands for (`StorageTable.Arn/index/gsi1`), or the ARN itself. */
export function templateNameOf(template: Template, refs: (logicalId: string, attribute?: string) => string): (arn: string) => string {
  const byValue: Array<[string, string]> = [];
  for (const logicalId of Object.keys(template.toJSON().Resources as object)) {
    for (const attribute of ['Arn', 'Ref']) {
      const value = refs(logicalId, attribute);
      if (value.startsWith('arn:')) byValue.push([value, label({ 'Fn::GetAtt': [logicalId, attribute] }).replace(/\.Ref$/, '')]);
    }
  }
  byValue.sort(([a], [b]) => b.length - a.length);
  return (arn) => {
    const found = byValue.find(([value]) => arn === value || arn.startsWith(`${value}/`));
    return found ? `${found[1]}${arn.slice(found[0].length)}` : arn;
  };
}
