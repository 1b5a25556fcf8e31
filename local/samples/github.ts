/** GitHub: signed with Octokit's `sign`. */
import { randomInt, randomUUID } from 'node:crypto';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, hex } from './support';

// GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; id in `X-GitHub-Delivery`.
async function build(secret: string, { eventType, eventId: id }: Sample): Promise<SampleWebhook> {
  const eventId = id ?? randomUUID();
  const repository = {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: 'hello-world',
    full_name: 'octo-org/hello-world',
    private: false,
    owner: { login: 'octo-org', id: 6811672, type: 'Organization' },
    html_url: 'https://github.com/octo-org/hello-world',
    default_branch: 'main',
  };
  const sender = { login: 'octocat', id: 583231, type: 'User' };
  const hookId = 123456789;
  let document: Record<string, unknown>;
  if (eventType === 'ping') {
    document = {
      zen: 'Keep it logically awesome.',
      hook_id: hookId,
      hook: {
        type: 'Repository',
        id: hookId,
        name: 'web',
        active: true,
        events: ['push', 'pull_request'],
        config: { content_type: 'json', insecure_ssl: '0' },
      },
      repository,
      sender,
    };
  } else if (eventType === 'push') {
    const after = hex(20);
    const commit = {
      id: after,
      tree_id: hex(20),
      distinct: true,
      message: 'Fix the flux capacitor',
      timestamp: new Date().toISOString(),
      url: `https://github.com/octo-org/hello-world/commit/${after}`,
      author: { name: 'The Octocat', email: 'octocat@github.com', username: 'octocat' },
      committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
      added: [],
      removed: [],
      modified: ['README.md'],
    };
    document = {
      ref: 'refs/heads/main',
      before: hex(20),
      after,
      repository,
      pusher: { name: 'octocat', email: 'octocat@github.com' },
      sender,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/octo-org/hello-world/compare/${after.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
    };
  } else if (eventType === 'pull_request') {
    document = {
      action: 'opened',
      number: 42,
      pull_request: {
        id: 1_000_000_000 + randomInt(1_000_000),
        number: 42,
        state: 'open',
        title: 'Add a feature',
        user: sender,
        head: { ref: 'feature' },
        base: { ref: 'main' },
      },
      repository,
      sender,
    };
  } else if (eventType === 'issues') {
    document = {
      action: 'opened',
      issue: { id: 2_000_000_000 + randomInt(1_000_000), number: 7, state: 'open', title: 'Found a bug', user: sender },
      repository,
      sender,
    };
  } else {
    document = { action: 'created', repository, sender };
  }
  const body = JSON.stringify(document);
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': `GitHub-Hookshot/${hex(4).slice(0, 7)}`,
      'x-github-event': eventType,
      'x-github-delivery': eventId,
      'x-github-hook-id': String(hookId),
      'x-github-hook-installation-target-type': 'repository',
      'x-github-hook-installation-target-id': String(repository.id),
      'x-hub-signature-256': await signGithub(secret, body),
    },
    body: Buffer.from(body),
    eventId,
    eventType,
  };
}

export const githubSample: ProviderSample = {
  defaultEventType: 'push',
  build,
};
