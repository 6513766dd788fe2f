/** The command registry: every `atlas` command, in the order `atlas --help` lists them. Add one import and one entry per command. */
import type { Command } from '../command.ts';
import { bandsCommand } from './bands.ts';
import { gapCommand } from './gap.ts';
import { subsidyCommand } from './subsidy.ts';
import { careerCommand, refreshCareersCommand } from './career.ts';
import { cohortCommand } from './cohort.ts';
import { diasporaCommand } from './diaspora.ts';
import { flowsCommand } from './flows.ts';
import { institutionCommand } from './institution.ts';
import { returneesCommand } from './returnees.ts';
import { serveCommand } from './serve.ts';
import { searchCommand } from './search.ts';
import { contactsCommand } from './contacts.ts';
import { introCommand } from './intro.ts';
import { brokersCommand } from './brokers.ts';
import { mergeCommand } from './merge.ts';
import { splitCommand } from './split.ts';
import { resolveCommand } from './resolve.ts';
import { eraseCommand } from './erase.ts';
import { ingestCommand } from './ingest.ts';
import { statsCommand } from './stats.ts';
import { personCommand } from './person.ts';
import { exportCommand } from './export.ts';
import { demoCommand } from './demo.ts';
import { synthCommand } from './synth.ts';
import { mentorsCommand } from './mentors.ts';

export const COMMANDS: Command[] = [demoCommand, ingestCommand, statsCommand, personCommand, exportCommand, synthCommand, serveCommand, searchCommand, flowsCommand, diasporaCommand, returneesCommand, cohortCommand, institutionCommand, careerCommand, refreshCareersCommand, bandsCommand, gapCommand, subsidyCommand, contactsCommand, introCommand, brokersCommand, mentorsCommand, resolveCommand, mergeCommand, splitCommand, eraseCommand];
