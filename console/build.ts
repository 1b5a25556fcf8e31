/**
 * Builds the console's pages: bundles each page's TypeScript with esbuild, minifies its CSS, and
 * inlines both into its HTML, then derives the page's Content-Security-Policy from the SHA-256 of
 * exactly the inlined script and style. Runs at synth (the api function's bundle embeds the
 * result, infra/stack.ts) and at local start (local/runtime.ts), so there is no build step to
 * remember; the api function only serves what was built (shared/api/console.ts).
 *
 * @example
 * const { console: page } = buildConsolePages();
 * page.html;                  // '<!doctype html>…<script>…</script>…'
 * page.contentSecurityPolicy; // "default-src 'self'; script-src 'self' 'sha256-…'; …"
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync, transformSync } from 'esbuild';
import type { ConsolePage, ConsolePages } from '../shared/api/console';
import { PACKAGE_ROOT } from '../shared/deployment/package-root';

const CONSOLE_DIR = path.join(PACKAGE_ROOT, 'console');

/** Each page: its HTML template and its script's entry point. */
const PAGES = {
  console: { html: 'index.html', script: 'src/console.ts' },
  portal: { html: 'portal.html', script: 'src/portal.ts' },
} as const satisfies Record<string, { html: string; script: string }>;

export type PageName = keyof typeof PAGES;

/** What the templates reference, replaced by the inlined style and script. */
const STYLE_TAG = '<link rel="stylesheet" href="console.css">';
const SCRIPT_TAG = '<script src="console.js"></script>';

function read(file: string): string {
  return readFileSync(path.join(CONSOLE_DIR, file), 'utf8');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export interface BuildOptions {
  /**
   * The pages the local runtime serves: the console shows its Destinations view (what
   * `GET /local/destinations` lists). Off for the deployed pages, whose bundle leaves it out.
   */
  readonly local?: boolean;
}

/** The browser script of one page, bundled (its imports of shared types included) and minified. */
export function bundleScript(entry: string, options: BuildOptions = {}): string {
  const result = buildSync({
    define: { __WEBHOOKS_LOCAL__: options.local ? 'true' : 'false' },
    entryPoints: [path.join(CONSOLE_DIR, entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text.trim();
}

export function bundleStyle(): string {
  return transformSync(read('console.css'), { loader: 'css', minify: true, target: 'chrome110' }).code.trim();
}

/** The policy for a page whose only script and style are these inline ones. */
export function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${sha256(script)}`,
    `style-src 'self' ${sha256(style)}`,
    "connect-src 'self'",
    // `data:` only for the empty favicon, so browsers do not ask the API for /favicon.ico.
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

function inline(template: string, name: string, tag: string, content: string, wrap: (content: string) => string): string {
  const at = template.indexOf(tag);
  if (at < 0 || template.indexOf(tag, at + 1) >= 0) throw new Error(`console page ${name}: expected exactly one ${tag}`);
  return template.slice(0, at) + wrap(content) + template.slice(at + tag.length);
}

export function buildPage(name: PageName, style = bundleStyle(), options: BuildOptions = {}): ConsolePage {
  const { html, script: entry } = PAGES[name];
  const script = bundleScript(entry, options);
  // esbuild escapes `</script` in strings; a literal one would end the inline element early.
  if (/<\/script/i.test(script)) throw new Error(`console page ${name}: the bundled script contains "</script"`);
  if (/<\/style/i.test(style)) throw new Error(`console page ${name}: the stylesheet contains "</style"`);
  let page = read(html);
  page = inline(page, name, STYLE_TAG, style, (content) => `<style>${content}</style>`);
  page = inline(page, name, SCRIPT_TAG, script, (content) => `<script>${content}</script>`);
  return { html: page, contentSecurityPolicy: contentSecurityPolicy(script, style) };
}

/** Every page, built. */
export function buildConsolePages(options: BuildOptions = {}): ConsolePages {
  const style = bundleStyle();
  return Object.fromEntries(Object.keys(PAGES).map((name) => [name, buildPage(name as PageName, style, options)]));
}

/** The esbuild `define` that embeds every built page in a bundle (read by functions/api/handler.ts). */
export function consolePagesDefine(): Record<string, string> {
  return { __CONSOLE_PAGES__: JSON.stringify(JSON.stringify(buildConsolePages())) };
}
