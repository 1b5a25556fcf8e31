/** Where the ingress function finds the sources' signing secrets, by its environment. */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { FunctionEnvironment, RawEnvironment } from '../shared/deployment/environment';
import { EnvSecretSource, FetchedSecretSource, type SecretSource } from '../shared/inbound/secrets';

/**
 * Secrets Manager (cached by Powertools Parameters) in AWS: a created secret is the ARN prefix
 * plus its entry in `sourceSecretIds` (source → the last segment of its ARN), an adopted one the
 * name or ARN in `adoptedSourceSecrets`; without `sourceSecretIds` (the local runtime), the
 * `WEBHOOK_SECRET_<NAME>` variables.
 */
export function secretSource(env: FunctionEnvironment<'ingress'>, raw: RawEnvironment): SecretSource {
  const created = env.sourceSecretIds;
  if (!created) return new EnvSecretSource(raw);
  const adopted = env.adoptedSourceSecrets ?? {};
  const prefix = env.secretArnPrefix ?? '';
  const maxAge = env.secretCacheSeconds ?? 300;
  return new FetchedSecretSource(
    (name, { forceFetch }) => getSecret<string>(name, { maxAge, forceFetch }),
    (source) => adopted[source] ?? (created[source] ? `${prefix}${created[source]}` : `unconfigured/${source}`),
  );
}
