/** The contact lists (owners) a page can work from: loaded into a select, or an empty / error state shown instead. */
import { getJson, type Page } from './api.ts';
import { h } from './dom.ts';

/**
 * Fill `select` with the imported contact lists (choosing `preferred` when it is one of them). When there are
 * none, or they cannot be loaded, show that in `box` and return false.
 */
export async function fillOwners(select: HTMLSelectElement, box: HTMLElement, emptyText: string, preferred?: string | null): Promise<boolean> {
  let owners: Page<{ owner: string; contacts: number }>;
  try {
    owners = await getJson<Page<{ owner: string; contacts: number }>>('owners', { limit: 200 });
  } catch (e) {
    box.dataset['state'] = 'error';
    box.replaceChildren(h('div', { class: 'state error' }, `Could not load contact lists: ${String(e)}`));
    return false;
  }
  if (!owners.items.length) {
    box.dataset['state'] = 'empty';
    box.replaceChildren(h('div', { class: 'state empty' }, emptyText));
    return false;
  }
  select.replaceChildren(...owners.items.map((o) => h('option', { value: o.owner }, `${o.owner} (${o.contacts} contacts)`)));
  select.value = owners.items.some((o) => o.owner === preferred) ? (preferred as string) : (owners.items[0]?.owner ?? '');
  return true;
}
