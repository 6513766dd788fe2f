/** Hash routing: `#/page?key=value`. Pages register here; the nav is drawn from the registry. */
export type Params = URLSearchParams;

export interface PageDef {
  path: string;
  title: string;
  /** Shown in the top nav when set. */
  nav?: string;
  render(root: HTMLElement, params: Params): void | Promise<void>;
}

export function parseHash(hash: string): { path: string; params: Params } {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?', 2) as [string, string | undefined];
  return { path: path || '/', params: new URLSearchParams(qs ?? '') };
}

export function href(path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

/** Replace the current hash's params without adding a history entry per keystroke. */
export function setParams(path: string, params: Record<string, string | number | undefined | null>): void {
  history.replaceState(null, '', href(path, params));
}
