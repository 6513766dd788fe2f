/** Dashboard entry: draws the nav from the page registry and renders the page named by the URL hash. */
import { disposeCharts } from './charts.ts';
import { h } from './dom.ts';
import { PAGES } from './pages/index.ts';
import { parseHash } from './router.ts';
import { getJson } from './api.ts';
import { showWho } from './who.ts';

const app = document.getElementById('app') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
nav.replaceChildren(...PAGES.filter((p) => p.nav).map((p) => h('a', { href: `#${p.path}`, 'data-page': p.path }, p.nav as string)));

async function show(): Promise<void> {
  const { path, params } = parseHash(location.hash);
  const page = PAGES.find((p) => p.path === path);
  for (const a of Array.from(nav.querySelectorAll('a'))) a.classList.toggle('active', a.dataset['page'] === path);
  disposeCharts(app);
  // Each navigation renders into a fresh element: a page still awaiting answers for the view left behind (say a
  // 401 that sent the user to sign in) then writes into a detached node, never into the page shown now.
  const view = document.createElement('div');
  view.className = 'view';
  app.replaceChildren(view);
  app.dataset['page'] = path;
  if (!page) {
    view.append(h('div', { class: 'state error', role: 'alert' }, `No page "${path}". `, h('a', { href: '#/' }, 'Go to the overview')));
    return;
  }
  document.title = `${page.title} · talent-atlas`;
  await page.render(view, params);
}

window.addEventListener('hashchange', () => void show());
// Who is signed in (a server with accounts answers 401 without a key, which opens the sign-in page).
getJson<{ name: string; role: string; mode: string }>('me').then(showWho, () => showWho(null));
void show();
