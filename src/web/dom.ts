/** Tiny DOM helpers: element builder, the loading / empty / error states every page shows, number formatting. */
import { ApiError } from './api.ts';

type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** A labelled filter input, filled from the page's URL params (so a linked view shows its filters). */
export function paramField(params: URLSearchParams, name: string, label: string, attrs: Record<string, string | number> = {}): HTMLLabelElement {
  return h('label', {}, label, h('input', { name, value: params.get(name) ?? '', ...attrs }));
}

/** The non-empty, trimmed values of a form's named inputs. */
export function formValues(form: HTMLFormElement, names: readonly string[]): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of names) {
    const val = (form.elements.namedItem(k) as HTMLInputElement).value.trim();
    if (val) q[k] = val;
  }
  return q;
}

/** The career parameters an answer used, as one line: every careers figure states its parameters (docs/mobility.md). */
export function careerParams(career: Record<string, unknown>): HTMLParagraphElement {
  const shown = Object.entries(career).filter(([k]) => k !== 'refreshedAt').map(([k, v]) => `${k} ${v ?? 'none'}`).join(' · ');
  return h('p', { class: 'muted career-params' }, `Career parameters (definitions in docs/mobility.md): ${shown}.`);
}

export function fmt(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function pct(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : `${(n * 100).toFixed(1)}%`;
}

/** Mark a region's state for users (text) and for tests (data-state). */
export function setState(box: HTMLElement, state: 'loading' | 'empty' | 'error', text: string): void {
  box.dataset['state'] = state;
  box.replaceChildren(h('div', { class: `state ${state}`, role: state === 'error' ? 'alert' : 'status' }, text));
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} [${e.code}]`;
  return e instanceof Error ? e.message : String(e);
}

/** Load data into a region: loading state first, then render, empty state when isEmpty, error state on failure. */
export async function loadInto<T>(box: HTMLElement, what: string, load: () => Promise<T>, render: (data: T) => void | Promise<void>, isEmpty: (data: T) => boolean = () => false, emptyText = `No ${what} for these filters.`): Promise<void> {
  setState(box, 'loading', `Loading ${what}…`);
  try {
    const data = await load();
    if (isEmpty(data)) return setState(box, 'empty', emptyText);
    box.replaceChildren();
    await render(data);
    box.dataset['state'] = 'ready';
  } catch (e) {
    setState(box, 'error', `Could not load ${what}: ${errorText(e)}`);
    const cands = e instanceof ApiError ? e.candidates : undefined;
    if (cands?.length) {
      box.append(h('p', {}, 'Did you mean:'), h('ul', {}, ...cands.map((c) => h('li', {}, personLink(c.person_id, c.display_name)))));
    }
  }
}

export function personLink(id: string, name: string | null | undefined): HTMLAnchorElement {
  return h('a', { href: `#/profile?id=${encodeURIComponent(id)}`, 'data-person': id }, name || id);
}

export function table<T extends object>(rows: T[], cols: Array<{ key: string; label: string; num?: boolean; cell?: (r: T) => Child }>): HTMLTableElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { class: c.num ? 'num' : undefined }, c.label)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...cols.map((c) => h('td', { class: c.num ? 'num' : undefined }, c.cell ? c.cell(r) : c.num ? fmt((r as Record<string, unknown>)[c.key] as number) : String((r as Record<string, unknown>)[c.key] ?? '–')))))),
  );
}
