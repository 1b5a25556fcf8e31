/** GitLab: the secret token as is, in `X-Gitlab-Token`. */
import { randomInt, randomUUID } from 'node:crypto';
import { type ProviderSample, type Sample, type SampleWebhook, JSON_TYPE, hex, json } from './support';

// GitLab: no HMAC, the secret token is sent as is in `X-Gitlab-Token`; id in `Idempotency-Key`.
function build(secret: string, { eventType, eventId: id }: Sample): SampleWebhook {
  const eventId = id ?? randomUUID();
  const project = {
    id: 15,
    name: 'Diaspora',
    description: '',
    web_url: 'https://gitlab.example.com/mike/diaspora',
    git_http_url: 'https://gitlab.example.com/mike/diaspora.git',
    namespace: 'Mike',
    path_with_namespace: 'mike/diaspora',
    default_branch: 'main',
  };
  const user = { id: 4, name: 'John Smith', username: 'jsmith', email: 'john@example.com' };
  const after = hex(20);
  const document: Record<string, unknown> =
    eventType === 'Push Hook' || eventType === 'Tag Push Hook'
      ? {
          object_kind: eventType === 'Push Hook' ? 'push' : 'tag_push',
          event_name: eventType === 'Push Hook' ? 'push' : 'tag_push',
          before: hex(20),
          after,
          ref: eventType === 'Push Hook' ? 'refs/heads/main' : 'refs/tags/v1.0.0',
          checkout_sha: after,
          user_id: user.id,
          user_name: user.name,
          user_username: user.username,
          user_email: user.email,
          project_id: project.id,
          project,
          commits: [
            {
              id: after,
              message: 'Update the README\n',
              timestamp: new Date().toISOString(),
              url: `${project.web_url}/-/commit/${after}`,
              author: { name: user.name, email: user.email },
              added: [],
              modified: ['README.md'],
              removed: [],
            },
          ],
          total_commits_count: 1,
          repository: { name: project.name, url: project.git_http_url, homepage: project.web_url },
        }
      : {
          object_kind: eventType
            .replace(/ Hook$/, '')
            .toLowerCase()
            .replaceAll(' ', '_'),
          event_type: eventType
            .replace(/ Hook$/, '')
            .toLowerCase()
            .replaceAll(' ', '_'),
          user,
          project,
          object_attributes: { id: 1000 + randomInt(100_000), iid: 1 + randomInt(500), title: 'Sample', state: 'opened', action: 'open' },
        };
  return {
    headers: {
      ...JSON_TYPE,
      'user-agent': 'GitLab/17.11.0',
      'x-gitlab-event': eventType,
      'x-gitlab-event-uuid': randomUUID(),
      'x-gitlab-webhook-uuid': randomUUID(),
      'x-gitlab-instance': 'https://gitlab.example.com',
      'idempotency-key': eventId,
      'x-gitlab-token': secret,
    },
    body: json(document),
    eventId,
    eventType,
  };
}

export const gitlabSample: ProviderSample = {
  defaultEventType: 'Push Hook',
  build,
};
