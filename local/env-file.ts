/**
 * A git-ignored `.env.local`: `NAME=value` lines, `#` comments and blank lines. Values are
 * taken as they are (they may contain `=`, `+`, `/` and `,`).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const entries: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) continue;
    entries[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return entries;
}

export function appendEnvFile(path: string, entries: Record<string, string>): void {
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '# Local secrets for `npm start` (git-ignored). One NAME=value per line.\n';
  const separator = existing.endsWith('\n') || existing === '' ? '' : '\n';
  const lines = Object.entries(entries).map(([name, value]) => `${name}=${value}`);
  if (!existsSync(path)) appendFileSync(path, existing);
  appendFileSync(path, `${separator}${lines.join('\n')}\n`);
}
