/**
 * A git-ignored `.env.local`: `NAME=value` lines, `#` comments and blank lines. A value is
 * everything after the first `=` (so it may contain `=`, `+`, `/` and `,`), trimmed; a value
 * wrapped in matching quotes loses them. When a name repeats, the last line wins.
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';

const HEADER = '# Local secrets for `npm start` and `npm run send` (git-ignored). One NAME=value per line.\n';

/** The entries of the file at `path`; `{}` when there is no such file. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const entries: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const name = line.slice(0, at).trim();
    let value = line.slice(at + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    entries[name] = value;
  }
  return entries;
}

/**
 * Appends `entries` as `NAME=value` lines, creating the file (readable by its owner only, as it
 * holds secrets) with a comment header when missing.
 */
export function appendEnvFile(path: string, entries: Record<string, string>): void {
  const lines = Object.entries(entries).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${JSON.stringify(name)}`);
    if (/[\r\n]/.test(value)) throw new Error(`the value of ${name} spans several lines`);
    return `${name}=${value}\n`;
  });
  if (!lines.length) return;
  const exists = existsSync(path);
  // A file whose last line has no newline would have the first entry glued to it.
  const needsNewline = exists && statSync(path).size > 0 && !readFileSync(path, 'utf8').endsWith('\n');
  appendFileSync(path, `${exists ? (needsNewline ? '\n' : '') : HEADER}${lines.join('')}`, { mode: 0o600 });
}
