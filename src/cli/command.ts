/** The shape of one CLI command, and the context every command runs with (store, output, --json). */
import type { ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import type { Store } from '../store/store.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type ParsedValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CommandContext {
  /** --json: print one JSON document on stdout instead of text. */
  json: boolean;
  /** Database location from --db / ATLAS_DB / default. */
  db: string;
  stdout: Writable;
  stderr: Writable;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
  /** Opens (and migrates) the store once; later calls return the same store. */
  store(): Promise<Store>;
  /**
   * Closes the store if it is open, so that another process may open the file (DuckDB lets one process in); a later
   * store() opens it again. A Store taken before is closed: take it again from store().
   */
  releaseStore(): Promise<void>;
  /** Full argv of the invocation, for provenance of ingest runs. */
  argv: readonly string[];
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) and option help, shown by `atlas <name> --help`. */
  usage: string;
  options: OptionSpec;
  /** Whether positional arguments are accepted. */
  positionals?: boolean;
  run(ctx: CommandContext, values: ParsedValues, positionals: string[]): Promise<number | void>;
}
