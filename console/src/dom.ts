/** Small DOM helpers: every text from the API is written with `textContent`, never as HTML. */

export type Child = Node | string | null | undefined;

export interface ElementProps {
  readonly text?: string | number | null | undefined;
  readonly className?: string;
  readonly dataset?: Readonly<Record<string, string | undefined>>;
  /** Any other attribute; `undefined`, `null` and `false` leave it out. */
  readonly [attribute: string]: unknown;
}

/** The element with this id; throws when the page lacks it (a bug in the page, not in the data). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'className') node.className = String(value);
    else if (key === 'dataset') {
      for (const [name, data] of Object.entries(value as Record<string, string | undefined>)) if (data !== undefined) node.dataset[name] = data;
    } else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value as EventListener);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

/** A button whose accessible name is the visible label plus a hidden context. */
export function button(
  label: string,
  context: string,
  focusKey: string,
  onClick: (event: MouseEvent & { currentTarget: HTMLButtonElement }) => void,
): HTMLButtonElement {
  return el('button', { type: 'button', dataset: { focusKey }, onclick: onClick }, [label, el('span', { className: 'visually-hidden', text: ` ${context}` })]);
}

export function statusCell(status: string): HTMLTableCellElement {
  return el('td', { className: `status status-${status}`, dataset: { status } }, [status]);
}

export function timeText(iso: string | undefined): HTMLTimeElement | string {
  return iso ? el('time', { datetime: iso, text: iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') }) : '';
}

/** Replaces a table body; keeps keyboard focus on the same control when it still exists. */
export function replaceRows(tbody: HTMLTableSectionElement, rows: readonly HTMLTableRowElement[], append = false): void {
  const active = document.activeElement;
  const hadFocus = active instanceof HTMLElement && tbody.contains(active);
  const key = hadFocus ? active.dataset.focusKey : undefined;
  if (!append) tbody.replaceChildren();
  for (const row of rows) tbody.append(row);
  if (!hadFocus) return;
  const again = key ? tbody.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(key)}"]`) : null;
  if (again) again.focus();
  else tbody.closest('table')?.focus();
}

export function emptyRow(columns: number, text: string): HTMLTableRowElement {
  return el('tr', {}, [el('td', { colspan: columns, text })]);
}
