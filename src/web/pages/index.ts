/** The dashboard's pages, in nav order. Add a page module here when its API lands. */
import { h } from '../dom.ts';
import type { PageDef } from '../router.ts';
import { href } from '../router.ts';
import { cohortPage } from './cohort.ts';
import { countryPage } from './country.ts';
import { flowsPage } from './flows.ts';
import { institutionPage } from './institution.ts';
import { introPage } from './intro.ts';
import { overviewPage } from './overview.ts';
import { peoplePage } from './people.ts';
import { profileActions, profilePage } from './profile.ts';
import { searchPage } from './search.ts';
import { addToShortlistControl, pipelinePage } from './pipeline.ts';
import { signInPage } from './sign-in.ts';
import { alertsPage, watchPersonControl } from './alerts.ts';
import { subsidyPage } from './subsidy.ts';

profileActions.push((id) => h('a', { href: href('/intro', { target: id }), id: 'intro-link' }, 'How do I reach this person? →'));
profileActions.push(addToShortlistControl);
profileActions.push(watchPersonControl);

export const PAGES: PageDef[] = [overviewPage, flowsPage, cohortPage, searchPage, peoplePage, countryPage, institutionPage, introPage, pipelinePage, alertsPage, subsidyPage, profilePage, signInPage];
