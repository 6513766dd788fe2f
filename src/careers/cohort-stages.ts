/**
 * MacroPolo-style cohort stages: undergraduate country → graduate country (origin as a flagged proxy when there is
 * no master/doctorate record) → current country, with shares per stage, stage-to-stage transitions, and the
 * unknown and proxy counts always shown.
 */
import type { Queryable, SqlValue } from '../store/store.ts';
import { cohortCondition, cohortSize, describeCohort, type Cohort } from './cohort.ts';
import { storedCareerParams } from './refresh-careers.ts';
import { educationEvidence, type OriginRestsOn, type RecordBasisCounts } from './origin-rests-on.ts';

export type Stage = 'undergraduate' | 'graduate' | 'current';

export interface StageSummary {
  stage: Stage;
  known: number;
  unknown: number;
  /** Graduate stage only: values that are the origin standing in for a missing graduate record. */
  proxy: number;
  /** Undergraduate and graduate stages: known values by the basis of the deciding record (graduate: proxies not included); null for current. */
  recordBasis: RecordBasisCounts | null;
  countries: Array<{ country: string; people: number; share: number }>;
}

export type Transition = {
  from: string;
  to: string;
  people: number;
};

export interface CohortStagesReport {
  params: { cohort: Record<string, unknown> | null; career: Record<string, unknown> };
  /** People the cohort names; those with a derived career are the ones staged. */
  members: number;
  staged: number;
  originBasis: Record<string, number>;
  /** Origins split by what they rest on: a stated or an observed education record, the first affiliation, nothing. */
  originRestsOn: OriginRestsOn;
  stages: StageSummary[];
  /** Transitions between consecutive stages among people known at both; 'unknown' pairs are counted apart. */
  transitions: { undergraduateToGraduate: Transition[]; graduateToCurrent: Transition[]; unknownPairs: { undergraduateToGraduate: number; graduateToCurrent: number } };
}

function summarise(stage: Stage, counts: Map<string | null, number>, proxy: number, total: number, recordBasis: RecordBasisCounts | null): StageSummary {
  const unknown = counts.get(null) ?? 0;
  const countries = [...counts.entries()]
    .filter((e): e is [string, number] => e[0] !== null)
    .map(([country, people]) => ({ country, people, share: total ? people / total : 0 }))
    .sort((a, b) => b.people - a.people || a.country.localeCompare(b.country));
  return { stage, known: total - unknown, unknown, proxy, recordBasis, countries };
}

function addTo<K>(m: Map<K, number>, k: K, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function transitionList(m: Map<string, number>): Transition[] {
  return [...m.entries()]
    .map(([k, people]) => {
      const [from, to] = k.split('\t') as [string, string];
      return { from, to, people };
    })
    .sort((a, b) => b.people - a.people || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

export async function cohortStages(db: Queryable, cohort: Cohort): Promise<CohortStagesReport> {
  const params: SqlValue[] = [];
  const condition = cohortCondition('person_id', cohort, params);
  const rows = await db.query<{ u: string | null; g: string | null; o: string | null; b: string; c: string | null; n: number }>(
    `SELECT undergrad_country AS u, graduate_country AS g, origin AS o, origin_basis AS b, current_country AS c, COUNT(*) AS n
     FROM careers WHERE ${condition}
     GROUP BY undergrad_country, graduate_country, origin, origin_basis, current_country`,
    params,
  );
  const under = new Map<string | null, number>();
  const grad = new Map<string | null, number>();
  const cur = new Map<string | null, number>();
  const ug = new Map<string, number>();
  const gc = new Map<string, number>();
  const basis: Record<string, number> = { education: 0, first_affiliation: 0, none: 0 };
  let proxy = 0;
  let staged = 0;
  let ugUnknown = 0;
  let gcUnknown = 0;
  for (const r of rows) {
    staged += r.n;
    basis[r.b] = (basis[r.b] ?? 0) + r.n;
    const g = r.g ?? r.o;
    if (r.g === null && r.o !== null) proxy += r.n;
    addTo(under, r.u, r.n);
    addTo(grad, g, r.n);
    addTo(cur, r.c, r.n);
    if (r.u !== null && g !== null) addTo(ug, `${r.u}\t${g}`, r.n);
    else ugUnknown += r.n;
    if (g !== null && r.c !== null) addTo(gc, `${g}\t${r.c}`, r.n);
    else gcUnknown += r.n;
  }
  const size = await cohortSize(db, cohort);
  const evidenceParams: SqlValue[] = [];
  const evidence = await educationEvidence(db, cohortCondition('c.person_id', cohort, evidenceParams), evidenceParams);
  return {
    params: { cohort: describeCohort(cohort), career: { ...(await storedCareerParams(db)) } },
    members: size.members,
    staged,
    originBasis: basis,
    originRestsOn: evidence.originRestsOn,
    stages: [
      summarise('undergraduate', under, 0, staged, evidence.undergraduate),
      summarise('graduate', grad, proxy, staged, evidence.graduate),
      summarise('current', cur, 0, staged, null),
    ],
    transitions: {
      undergraduateToGraduate: transitionList(ug),
      graduateToCurrent: transitionList(gc),
      unknownPairs: { undergraduateToGraduate: ugUnknown, graduateToCurrent: gcUnknown },
    },
  };
}
