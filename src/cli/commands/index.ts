/** The command registry: every `atlas` command, in the order `atlas --help` lists them. Add one import and one entry per command. */
import type { Command } from '../command.ts';

export const COMMANDS: Command[] = [];
