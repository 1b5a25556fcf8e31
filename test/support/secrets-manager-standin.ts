/**
 * A Secrets Manager stand-in on loopback: `GetSecretValue` only (AWS JSON 1.1, the documented
 * request and response), over secrets given by ARN. No Secrets Manager emulator is used in this
 * project, and the functions read their secrets with Powertools Parameters' real provider and
 * the real SDK client: only the service's answer is stood in for.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export class SecretsManagerStandIn {
  private server: Server | undefined;

  constructor(private readonly secrets: ReadonlyMap<string, string>) {}

  async listen(): Promise<string> {
    this.server = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      const target = String(request.headers['x-amz-target'] ?? '');
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      const value = SecretId === undefined ? undefined : this.secrets.get(SecretId);
      const answer = (status: number, document: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(document));
      };
      if (target !== 'secretsmanager.GetSecretValue') return answer(400, { __type: 'InvalidRequestException', message: `${target} is not stood in for` });
      if (value === undefined) return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      const name = SecretId!.split(':')[6] ?? SecretId;
      return answer(200, { ARN: SecretId, Name: name, SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 0 });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
