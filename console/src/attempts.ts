/** One attempt of a delivery, as a definition list: every field as text, the response body included. */
import { el, timeText } from './dom';
import type { AttemptView } from './types';

export function attemptItem(attempt: AttemptView): HTMLLIElement {
  const requestHeaders = attempt.requestHeaders ?? {};
  const headers = Object.keys(requestHeaders)
    .map((name) => `${name}: ${requestHeaders[name]}`)
    .join('\n');
  const rows: Array<[string, Node | string]> = [
    ['Attempt', `${attempt.attempt} (${attempt.trigger})`],
    ['At', timeText(attempt.at)],
    ['Outcome', attempt.outcome],
    ['Status code', attempt.statusCode ? String(attempt.statusCode) : 'no response'],
    ['Duration', `${attempt.durationMs} ms`],
    ['URL', el('code', { text: attempt.url ?? '' })],
  ];
  if (attempt.error) rows.push(['Error', attempt.error]);
  if (attempt.nextAttemptAt) rows.push(['Next attempt', timeText(attempt.nextAttemptAt)]);
  // A long block scrolls: focusable, so the keyboard can scroll it too.
  rows.push(['Request headers', el('pre', { tabindex: 0, text: headers || '(none)' })]);
  rows.push(['Response', el('pre', { tabindex: 0, text: attempt.responseBody || '(empty)' })]);
  const list = el('dl', { className: 'attempt' });
  for (const [term, value] of rows) list.append(el('dt', { text: term }), el('dd', {}, [value]));
  return el('li', { dataset: { attempt: String(attempt.attempt), endpointId: attempt.endpointId, statusCode: String(attempt.statusCode) } }, [list]);
}
