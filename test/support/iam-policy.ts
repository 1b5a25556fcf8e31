/**
 * A small evaluator of resource policies (the subset our templates use), to hold a synthesized
 * topic or key policy against the request an AWS service is documented to make: explicit Deny
 * wins, otherwise an Allow whose principal, action, resource and every condition match.
 *
 * Conditions: StringEquals, StringLike, ArnEquals, ArnLike, Bool; condition keys are
 * case-insensitive (as in IAM); a condition on a key the request lacks does not match.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | { readonly AWS?: string | string[]; readonly Service?: string | string[] };
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface Request {
  readonly principal: { readonly service: string } | { readonly aws: string };
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
}

export type Decision = 'allowed' | 'explicitly denied' | 'implicitly denied';

export function evaluate(statements: readonly PolicyStatement[], request: Request): Decision {
  const matching = statements.filter((statement) => matches(statement, request));
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'explicitly denied';
  return matching.some((statement) => statement.Effect === 'Allow') ? 'allowed' : 'implicitly denied';
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, caseInsensitive ? 'i' : '').test(value);
}

/**
 * An identity policy's decision (a role's statements have no Principal): explicit Deny wins,
 * otherwise an Allow whose Action and Resource match. Conditions, NotAction and NotResource are
 * not evaluated: a statement with one is refused, so nothing is allowed by a rule this skips.
 */
export function identityDecision(statements: readonly PolicyStatement[], action: string, resource: string): Decision {
  const matching = statements.filter((statement) => {
    const extra = Object.keys(statement).filter((key) => !['Sid', 'Effect', 'Action', 'Resource'].includes(key));
    if (extra.length) throw new Error(`statement ${JSON.stringify(statement)} has ${extra.join(', ')}, which this test helper does not evaluate`);
    return list(statement.Action).some((pattern) => glob(pattern, action, true)) && list(statement.Resource).some((pattern) => glob(pattern, resource));
  });
  if (matching.some((statement) => statement.Effect === 'Deny')) return 'explicitly denied';
  return matching.some((statement) => statement.Effect === 'Allow') ? 'allowed' : 'implicitly denied';
}

function matches(statement: PolicyStatement, request: Request): boolean {
  return (
    principalMatches(statement.Principal, request.principal) &&
    list(statement.Action).some((action) => glob(action, request.action, true)) &&
    (statement.Resource === undefined || list(statement.Resource).some((resource) => glob(resource, request.resource))) &&
    conditionsMatch(statement.Condition ?? {}, request.context)
  );
}

function principalMatches(principal: PolicyStatement['Principal'], caller: Request['principal']): boolean {
  if (principal === undefined) return false;
  if (principal === '*') return true;
  if ('service' in caller) return list(principal.Service).includes(caller.service);
  return list(principal.AWS).some((aws) => aws === '*' || aws === caller.aws);
}

function conditionsMatch(conditions: Record<string, Record<string, string | string[]>>, context: Readonly<Record<string, string>>): boolean {
  const lookup = (key: string) => Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
  return Object.entries(conditions).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = lookup(key);
      if (actual === undefined) return false;
      const values = list(expected);
      switch (operator) {
        case 'StringEquals':
        case 'ArnEquals':
          return values.includes(actual);
        case 'StringLike':
        case 'ArnLike':
          return values.some((value) => glob(value, actual));
        case 'Bool':
          return values.some((value) => value.toLowerCase() === actual.toLowerCase());
        default:
          throw new Error(`condition operator ${operator} is not evaluated by this test helper`);
      }
    }),
  );
}

/**
 * Resolves CloudFormation intrinsics in a template value for a given account and region: the
 * pseudo parameters, `Ref`/`Fn::GetAtt` of resources through `refs`, `Fn::Join`, `Fn::Split`
 * and `Fn::Select`.
 */
export function resolveIntrinsics(
  value: unknown,
  env: { account: string; region: string; partition?: string; stackName?: string },
  refs: (logicalId: string, attribute?: string) => string,
): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, env, refs));
  if (!value || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    const ref = String(object.Ref);
    const pseudo: Record<string, string> = {
      'AWS::AccountId': env.account,
      'AWS::Region': env.region,
      'AWS::Partition': env.partition ?? 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': env.stackName ?? 'Stack',
    };
    return pseudo[ref] ?? refs(ref);
  }
  if ('Fn::GetAtt' in object) {
    const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
    return refs(logicalId, attribute);
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveIntrinsics(part, env, refs)).join(separator);
  }
  if ('Fn::Split' in object) {
    const [separator, source] = object['Fn::Split'] as [string, unknown];
    return String(resolveIntrinsics(source, env, refs)).split(separator);
  }
  if ('Fn::Select' in object) {
    const [index, list] = object['Fn::Select'] as [number | string, unknown];
    return (resolveIntrinsics(list, env, refs) as unknown[])[Number(index)];
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, resolveIntrinsics(item, env, refs)]));
}
