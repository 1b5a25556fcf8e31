/**
 * How the operator commands (`npm run smoke`, `npm run redrive`) reach a gateway: the local
 * runtime over plain HTTP, or a deployed stack, found by its CloudFormation outputs and called
 * with SigV4-signed requests (the management API is IAM-authorized), with the credentials of
 * the AWS SDK's default chain (environment, profile, SSO, instance role).
 *
 * Signing uses the SDK's own signer (`@smithy/signature-v4`, SHA-256 from `@smithy/core`).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** The flags that say which gateway an operator command reaches: `--url URL` (a local runtime) or `--stack NAME [--region REGION]`. */
export const GATEWAY_OPTIONS = { url: { type: 'string' }, stack: { type: 'string' }, region: { type: 'string' } } as const;

/** An answer of the gateway: its status and its JSON body, which the command-line tools read field by field. */
// biome-ignore lint/suspicious/noExplicitAny: the tools read the API's documented answers loosely, and print what they find
export type Answer = { status: number; body: any };

export interface GatewayClient {
  /** Where `POST /webhooks/{source}` lives (ends with `/webhooks/`). */
  readonly webhooksUrl: string;
  /** The management API's base (ends with `/api/v1/`). */
  readonly apiUrl: string;
  /** Calls the management API: `path` is relative to `apiUrl` (e.g. `dlq/inbound/redrive`). */
  api(method: string, path: string, body?: unknown): Promise<Answer>;
  /** Posts a webhook as a provider would (no signing of ours: the provider's signature is in the headers). */
  webhook(source: string, headers: Record<string, string>, body: Buffer): Promise<Answer>;
}

async function parse(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text.length ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}

/** The local runtime at `base` (`npm start`). */
export function localGateway(base: string): GatewayClient {
  const root = base.replace(/\/+$/, '');
  return {
    webhooksUrl: `${root}/webhooks/`,
    apiUrl: `${root}/api/v1/`,
    async api(method, path, body) {
      return parse(
        await fetch(`${root}/api/v1/${path}`, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        }),
      );
    },
    async webhook(source, headers, body) {
      return parse(await fetch(`${root}/webhooks/${source}`, { method: 'POST', headers, body: new Uint8Array(body) }));
    },
  };
}

/** The outputs of a deployed stack (`WebhooksUrl`, `ApiUrl`, `SourceSecrets`, …). */
export async function stackOutputs(stackName: string, region: string, credentials?: AwsCredentialIdentityProvider): Promise<Record<string, string>> {
  const cloudformation = new CloudFormationClient({ region, ...(credentials ? { credentials } : {}) });
  try {
    const { Stacks = [] } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Stacks[0]?.Outputs ?? [];
    return Object.fromEntries(outputs.filter((output) => output.OutputKey).map((output) => [output.OutputKey!, output.OutputValue ?? '']));
  } finally {
    cloudformation.destroy();
  }
}

/**
 * Signs a request for API Gateway (`execute-api`) or a Lambda function URL (`lambda`) with
 * SigV4; returns the headers to send (the body is signed as given).
 */
export async function signedHeaders(
  url: URL,
  request: { method: string; headers: Record<string, string>; body?: string },
  options: { region: string; service: string; credentials: AwsCredentialIdentityProvider; signingDate?: Date },
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    uriEscapePath: options.service !== 's3',
  });
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { host: url.host, ...request.headers },
      ...(request.body !== undefined ? { body: request.body } : {}),
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}

/** A deployed stack, called with the default credential chain. */
export async function deployedGateway(
  stackName: string,
  region: string,
): Promise<GatewayClient & { readonly outputs: Record<string, string>; readonly region: string }> {
  const credentials = fromNodeProviderChain();
  const outputs = await stackOutputs(stackName, region, credentials);
  const webhooksUrl = outputs.WebhooksUrl;
  const apiUrl = outputs.ApiUrl;
  if (!webhooksUrl || !apiUrl) throw new Error(`stack ${stackName} in ${region} has no WebhooksUrl/ApiUrl outputs: is it this gateway's stack?`);
  return {
    outputs,
    region,
    webhooksUrl,
    apiUrl,
    async api(method, path, body) {
      const url = new URL(path, apiUrl);
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers = await signedHeaders(
        url,
        { method, headers: text === undefined ? {} : { 'content-type': 'application/json' }, ...(text === undefined ? {} : { body: text }) },
        {
          region,
          service: 'execute-api',
          credentials,
        },
      );
      return parse(await fetch(url, { method, headers, ...(text === undefined ? {} : { body: text }) }));
    },
    async webhook(source, headers, body) {
      return parse(await fetch(new URL(source, webhooksUrl), { method: 'POST', headers, body: new Uint8Array(body) }));
    },
  };
}

/** `--region`, else the SDK's usual variables. */
export function regionFrom(flag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  return flag ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
}
