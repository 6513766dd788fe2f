/** Every API route, in the order /docs lists them. Add a module's routes here as the module lands. */
import type { ApiRoute } from '../route.ts';
import { careersRoutes } from './careers.ts';
import { economicsRoutes } from './economics.ts';
import { institutionsRoutes } from './institutions.ts';
import { mentorsRoutes } from './mentors.ts';
import { networkRoutes } from './network.ts';
import { peopleRoutes } from './people.ts';
import { searchRoutes } from './search.ts';
import { statsRoutes } from './stats.ts';
import { teamsRoutes } from './teams.ts';
import { shortlistsRoutes } from './shortlists.ts';
import { watchesRoutes } from './watches.ts';

export const API_ROUTES: readonly ApiRoute[] = [...statsRoutes, ...peopleRoutes, ...mentorsRoutes, ...searchRoutes, ...careersRoutes, ...institutionsRoutes, ...networkRoutes, ...economicsRoutes, ...shortlistsRoutes, ...watchesRoutes, ...teamsRoutes];
