/** Where the api function finds the tenant portal's signing key(s), by its environment. */
import { portalKeys } from '../shared/api/portal-token';
import type { FunctionEnvironment } from '../shared/deployment/environment';

/**
 * The Secrets Manager secret `portalKeySecret` in AWS, read through Powertools Parameters and
 * cached (`secretCacheSeconds`, default 300), its module loaded on the first portal call only;
 * without it (the local runtime), the keys in `portalKey` (from `.env.local`, as source secrets are).
 */
export function portalKeySource(env: FunctionEnvironment<'api'>): () => Promise<string[]> {
  const secret = env.portalKeySecret;
  if (!secret) return async () => portalKeys(env.portalKey);
  const maxAge = env.secretCacheSeconds ?? 300;
  return async () => {
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    return portalKeys(await getSecret<string>(secret, { maxAge }));
  };
}
