/**
 * The command registry: every `atlas` command, in the order `atlas --help` lists them, each by its name and the
 * module that defines it. A command's module (and what it imports) is loaded only when that command runs or help
 * lists them all: `atlas search` does not load the server, the ingest's readers or the pullers (each module costs a
 * new process ~2–3 ms through tsx; all of them ~0.8 s). Add one entry per command; registry.test.ts checks the names.
 */
import type { Command } from '../command.ts';

const REGISTRY: ReadonlyArray<readonly [name: string, load: () => Promise<Command>]> = [
  ['demo', async () => (await import('./demo.ts')).demoCommand],
  ['ingest', async () => (await import('./ingest.ts')).ingestCommand],
  ['pull', async () => (await import('./pull.ts')).pullCommand],
  ['index', async () => (await import('./index-build.ts')).indexCommand],
  ['stats', async () => (await import('./stats.ts')).statsCommand],
  ['person', async () => (await import('./person.ts')).personCommand],
  ['export', async () => (await import('./export.ts')).exportCommand],
  ['synth', async () => (await import('./synth.ts')).synthCommand],
  ['serve', async () => (await import('./serve.ts')).serveCommand],
  ['search', async () => (await import('./search.ts')).searchCommand],
  ['flows', async () => (await import('./flows.ts')).flowsCommand],
  ['diaspora', async () => (await import('./diaspora.ts')).diasporaCommand],
  ['returnees', async () => (await import('./returnees.ts')).returneesCommand],
  ['cohort', async () => (await import('./cohort.ts')).cohortCommand],
  ['institution', async () => (await import('./institution.ts')).institutionCommand],
  ['career', async () => (await import('./career.ts')).careerCommand],
  ['refresh-careers', async () => (await import('./career.ts')).refreshCareersCommand],
  ['bands', async () => (await import('./bands.ts')).bandsCommand],
  ['gap', async () => (await import('./gap.ts')).gapCommand],
  ['subsidy', async () => (await import('./subsidy.ts')).subsidyCommand],
  ['contacts', async () => (await import('./contacts.ts')).contactsCommand],
  ['intro', async () => (await import('./intro.ts')).introCommand],
  ['brokers', async () => (await import('./brokers.ts')).brokersCommand],
  ['shortlist', async () => (await import('./shortlist.ts')).shortlistCommand],
  ['watch', async () => (await import('./watch.ts')).watchCommand],
  ['alerts', async () => (await import('./watch.ts')).alertsCommand],
  ['mentors', async () => (await import('./mentors.ts')).mentorsCommand],
  ['resolve', async () => (await import('./resolve.ts')).resolveCommand],
  ['merge', async () => (await import('./merge.ts')).mergeCommand],
  ['split', async () => (await import('./split.ts')).splitCommand],
  ['erase', async () => (await import('./erase.ts')).eraseCommand],
  ['vacuum', async () => (await import('./vacuum.ts')).vacuumCommand],
  ['users', async () => (await import('./users.ts')).usersCommand],
  ['audit', async () => (await import('./audit.ts')).auditCommand],
];

/** Every command's name, in help order. */
export const COMMAND_NAMES: readonly string[] = REGISTRY.map(([name]) => name);

/** The command of that name, loaded; undefined for none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return REGISTRY.find(([n]) => n === name)?.[1]();
}

/** Every command, loaded, in help order. */
export async function loadCommands(): Promise<Command[]> {
  return Promise.all(REGISTRY.map(([, load]) => load()));
}
