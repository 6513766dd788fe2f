/** Dashboard entry: draws the nav from the page registry and renders the page named by the URL hash. */
import { disposeCharts } from './charts.ts';
import { h } from './dom.ts';
import { PAGES } from './pages/index.ts';
import { parseHash } from './router.ts';

const app = document.getElementById('app') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
nav.replaceChildren(...PAGES.filter((p) => p.nav).map((p) => h('a', { href: `#${p.path}`, 'data-page': p.path }, p.nav as string)));

async function show(): Promise<void> {
  const { path, params } = parseHash(location.hash);
  const page = PAGES.find((p) => p.path === path);
  for (const a of Array.from(nav.querySelectorAll('a'))) a.classList.toggle('active', a.dataset['page'] === path);
  disposeCharts(app);
  app.replaceChildren();
  app.dataset['page'] = path;
  if (!page) {
    app.append(h('div', { class: 'state error', role: 'alert' }, `No page "${path}". `, h('a', { href: '#/' }, 'Go to the overview')));
    return;
  }
  document.title = `${page.title} · talent-atlas`;
  await page.render(app, params);
}

window.addEventListener('hashchange', () => void show());
void show();
