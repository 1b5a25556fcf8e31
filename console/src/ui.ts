/**
 * What every view of the console and the portal shares: the one live region for notices, the
 * one alert region for errors, a confirmation dialog, and navigation between views.
 */
import { byId } from './dom';

export function announce(text: string): void {
  byId('notice').textContent = text;
}

export function showError(text: string): void {
  const region = byId('error');
  region.textContent = text;
  region.hidden = !text;
}

/** Runs a load; a failure is shown in the error region as "Could not load <what>: …". */
export async function run(task: () => Promise<void>, what: string): Promise<void> {
  try {
    await task();
  } catch (error) {
    showError(`Could not load ${what}: ${(error as Error).message}`);
  }
}

/** Asks in the page's modal dialog; resolves true for the confirming button. Focus returns to where it was. */
export function confirmAction(title: string, text: string, confirmLabel: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  const yes = byId<HTMLButtonElement>('confirm-yes');
  const no = byId<HTMLButtonElement>('confirm-no');
  const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  byId('confirm-heading').textContent = title;
  byId('confirm-text').textContent = text;
  yes.textContent = confirmLabel;
  return new Promise((resolve) => {
    const finish = (answer: boolean) => {
      yes.removeEventListener('click', onYes);
      no.removeEventListener('click', onNo);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      back?.focus();
      resolve(answer);
    };
    const onYes = () => finish(true);
    const onNo = () => finish(false);
    const onClose = () => finish(false);
    yes.addEventListener('click', onYes);
    no.addEventListener('click', onNo);
    // Escape closes the dialog: a "no".
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    no.focus();
  });
}

/** Goes to a view (`#/endpoints/ep_1`); the router does the rest. */
export function navigate(hash: string): void {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** The current route: the hash's segments, decoded (`#/events/stripe/evt_1` → ['events', 'stripe', 'evt_1']). */
export function route(): string[] {
  const hash = location.hash.replace(/^#\/?/, '');
  if (!hash) return [];
  return hash.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

/**
 * Shows the view named `name` (a `[data-view]` element), hides the others, marks the nav link,
 * and moves focus to the view's heading unless `quiet` (the first load).
 */
export function showView(name: string, title: string, quiet: boolean): void {
  for (const view of document.querySelectorAll<HTMLElement>('[data-view]')) view.hidden = view.dataset.view !== name;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    if (link.dataset.nav === name || (name === 'endpoint' && link.dataset.nav === 'endpoints')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = title;
  if (quiet) return;
  const heading = document.querySelector<HTMLElement>(`[data-view="${name}"] h2[tabindex="-1"]`);
  heading?.focus();
}
