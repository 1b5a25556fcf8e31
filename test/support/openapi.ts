/**
 * Contract checks against `openapi.yaml`: a response (method, path template, status, body) is
 * valid when the spec documents that status for that operation, with the response's media type,
 * and the JSON body matches the documented schema (JSON Schema 2020-12, checked with Ajv).
 *
 * @example
 * const contract = loadContract();
 * contract.check('GET', '/api/v1/endpoints/{id}', response); // throws ContractError when it does not match
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** What the handlers return (`HttpResponse`), or any response with a status, headers and a text body. */
export interface ResponseUnderTest {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export class ContractError extends Error {
  override readonly name = 'ContractError';
}

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** The components, registered once as their own schema; response schemas reference it. */
const COMPONENTS_ID = 'https://contract.test/openapi/components';

export const SPEC_PATH = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

export class OpenApiContract {
  /** `METHOD /template` of every operation the spec declares. */
  readonly operations: readonly string[];
  /** `METHOD /template` → statuses checked so far. */
  readonly checked = new Map<string, Set<number>>();
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly spec: Json) {
    this.ajv = new Ajv2020({ allErrors: true });
    addFormats(this.ajv);
    // OpenAPI's own annotations, and the container the component schemas are reached through.
    this.ajv.addVocabulary(['example', 'components']);
    this.ajv.addSchema({ $id: COMPONENTS_ID, components: { schemas: (spec.components as Json | undefined)?.schemas ?? {} } });
    const paths = (spec.paths ?? {}) as Record<string, Json>;
    this.operations = Object.entries(paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`),
    );
  }

  /**
   * Throws a `ContractError` unless the spec documents `response` for this operation; returns
   * the parsed JSON body (undefined when there is none).
   */
  check(method: string, pathTemplate: string, response: ResponseUnderTest): unknown {
    const operationKey = `${method.toUpperCase()} ${pathTemplate}`;
    const where = `${operationKey} → ${response.statusCode}`;
    const documented = this.response(method, pathTemplate, response.statusCode);
    const content = documented.content as Record<string, Json> | undefined;
    const body = response.body ?? '';
    let parsed: unknown;
    if (!content || Object.keys(content).length === 0) {
      if (body.length > 0) throw new ContractError(`${where}: the spec documents no body, the response has ${body.length} bytes`);
    } else {
      const contentType = headerValue(response.headers, 'content-type');
      if (!contentType) throw new ContractError(`${where}: the response has no content-type; the spec documents ${Object.keys(content).join(', ')}`);
      const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
      const media = content[mediaType];
      if (!media) throw new ContractError(`${where}: the spec documents ${Object.keys(content).join(', ')}, not ${mediaType}`);
      if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
        try {
          parsed = JSON.parse(body);
        } catch {
          throw new ContractError(`${where}: the body is not JSON: ${body.slice(0, 200)}`);
        }
        if (media.schema !== undefined) this.validate(`${operationKey} ${response.statusCode} ${mediaType}`, media.schema, parsed, where);
      }
    }
    const statuses = this.checked.get(operationKey) ?? new Set<number>();
    statuses.add(response.statusCode);
    this.checked.set(operationKey, statuses);
    return parsed;
  }

  /**
   * For responses no operation can document (a method the path does not have, a path the spec
   * does not have): checks the JSON body against a component schema, e.g. `Error`.
   */
  checkComponent(schemaName: string, response: ResponseUnderTest): unknown {
    const where = `${schemaName} (status ${response.statusCode})`;
    const schemas = ((this.spec.components as Json | undefined)?.schemas ?? {}) as Json;
    if (schemas[schemaName] === undefined) throw new ContractError(`the spec has no component schema ${schemaName}`);
    const contentType = headerValue(response.headers, 'content-type')?.split(';')[0]?.trim();
    if (contentType !== 'application/json') throw new ContractError(`${where}: content-type ${contentType ?? 'none'}, expected application/json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body ?? '');
    } catch {
      throw new ContractError(`${where}: the body is not JSON: ${(response.body ?? '').slice(0, 200)}`);
    }
    this.validate(`component ${schemaName}`, { $ref: `#/components/schemas/${schemaName}` }, parsed, where);
    return parsed;
  }

  /** The media types the spec documents for a response. */
  mediaTypes(method: string, pathTemplate: string, status: number): string[] {
    return Object.keys((this.response(method, pathTemplate, status).content as Json | undefined) ?? {});
  }

  /** Operations no response was checked against. */
  unchecked(): string[] {
    return this.operations.filter((operation) => !this.checked.has(operation));
  }

  private response(method: string, pathTemplate: string, status: number): Json {
    const paths = (this.spec.paths ?? {}) as Record<string, Json>;
    const item = paths[pathTemplate];
    if (!item) throw new ContractError(`the spec has no path ${pathTemplate}`);
    const operation = item[method.toLowerCase()] as Json | undefined;
    if (!operation) throw new ContractError(`the spec has no ${method.toUpperCase()} operation on ${pathTemplate}`);
    const responses = (operation.responses ?? {}) as Record<string, unknown>;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((candidate) => responses[candidate] !== undefined);
    if (!key) {
      throw new ContractError(
        `the spec documents no ${status} response for ${method.toUpperCase()} ${pathTemplate} (documented: ${Object.keys(responses).join(', ') || 'none'})`,
      );
    }
    return this.deref(responses[key] as Json);
  }

  /** Follows a local `$ref` (e.g. `#/components/responses/NotFound`). */
  private deref(node: Json): Json {
    let current = node;
    for (let hops = 0; typeof current.$ref === 'string'; hops++) {
      const ref = current.$ref;
      if (!ref.startsWith('#/') || hops > 10) throw new ContractError(`cannot resolve ${ref}`);
      let target: unknown = this.spec;
      for (const part of ref.slice(2).split('/')) {
        target = (target as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      }
      if (!target || typeof target !== 'object') throw new ContractError(`${ref} does not exist`);
      current = target as Json;
    }
    return current;
  }

  private validate(cacheKey: string, schema: unknown, value: unknown, where: string): void {
    let validator = this.validators.get(cacheKey);
    if (!validator) {
      validator = this.ajv.compile(pointIntoComponents(schema) as Json);
      this.validators.set(cacheKey, validator);
    }
    if (!validator(value)) {
      const problems = (validator.errors ?? []).map(
        (error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
      );
      throw new ContractError(`${where}: the body does not match the spec:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(value).slice(0, 1000)}`);
    }
  }
}

/** A copy of a response schema whose `#/components/...` references point at the registered components. */
function pointIntoComponents(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(pointIntoComponents);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) =>
      key === '$ref' && typeof value === 'string' && value.startsWith('#/components/') ? [key, `${COMPONENTS_ID}${value}`] : [key, pointIntoComponents(value)],
    ),
  );
}

function headerValue(headers: ResponseUnderTest['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

/** Loads and parses `openapi.yaml` (or another description). */
export function loadContract(path: string = SPEC_PATH): OpenApiContract {
  return new OpenApiContract(parse(readFileSync(path, 'utf8')) as Json);
}
