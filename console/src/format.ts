/** Text for times, ages, durations and bodies. Pure (no DOM), so unit tests can run it. */

/** `2026-11-23 06:49:05Z` */
export function isoText(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `42 s`, `3 min`, `5 h 10 min`, `2 d 4 h` */
export function ageText(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) {
    const minutes = Math.floor((seconds % 3600) / 60);
    return `${Math.floor(seconds / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((seconds % 86_400) / 3600);
  return `${Math.floor(seconds / 86_400)} d${hours ? ` ${hours} h` : ''}`;
}

/** `87 ms`, `1.4 s` */
export function durationText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** `97.5%` */
export function percentText(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—';
  const percent = rate * 100;
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
}

/** JSON pretty-printed with two spaces; the text itself when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A received body for reading: JSON pretty-printed, a form post as `name = value` lines
 * (GitHub's form mode `payload=` unwrapped and pretty-printed), other text as it is, and binary as
 * base64 with its size.
 */
export function bodyText(body: { contentType?: string; encoding: 'utf8' | 'base64'; body: string; bytes: number }): string {
  if (body.encoding === 'base64') return `(binary, ${body.bytes} bytes, base64)\n${body.body}`;
  const media = (body.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/x-www-form-urlencoded') {
    const fields = [...new URLSearchParams(body.body)];
    if (fields.length === 1 && fields[0]![0] === 'payload') return prettyJson(fields[0]![1]);
    return fields.map(([name, value]) => `${name} = ${value}`).join('\n');
  }
  return prettyJson(body.body);
}
