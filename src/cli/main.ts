/** The `atlas` command line: parses global flags, dispatches to a command, turns known errors into one line and an exit code. */
import { parseArgs } from 'node:util';
import { isAtlasError } from '../core/errors.ts';
import { ensureFreshDerived, rederivedNote } from '../derived/ensure-fresh.ts';
import { unusedSpaceNote } from '../store/repo/unused-space.ts';
import { openStore, resolveDbLocation } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import type { Command, CommandContext } from './command.ts';
import { loadCommand, loadCommands } from './commands/index.ts';

/** Commands that write facts and derive after them, or derive themselves: no freshness check before they run. */
const WRITES_OR_REDERIVES = new Set(['ingest', 'pull', 'refresh-careers', 'demo', 'synth', 'merge', 'split', 'erase', 'contacts', 'resolve', 'vacuum']);

const GLOBAL_HELP = `atlas — where AI researchers studied, where they work now, and how to reach them (talent-atlas)

Usage: atlas <command> [options]

Global options:
  --db PATH|URL   database: a DuckDB file (default atlas.duckdb, or $ATLAS_DB) or postgres://…
  --json          print machine-readable JSON instead of text
  -h, --help      help for a command

Commands:
`;

async function helpText(): Promise<string> {
  const commands = await loadCommands();
  const w = Math.max(...commands.map((c) => c.name.length));
  return GLOBAL_HELP + commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n') + '\n\nRun `atlas <command> --help` for a command\'s options.\n';
}

export async function runCli(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process): Promise<number> {
  const [name, ...rest] = argv;
  const stdout = io.stdout as CommandContext['stdout'];
  const stderr = io.stderr as CommandContext['stderr'];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(await helpText());
    return name ? 0 : 1;
  }
  const command: Command | undefined = await loadCommand(name);
  if (!command) {
    stderr.write(`error [BAD_ARGUMENT]: unknown command "${name}". Run \`atlas --help\` for the list.\n`);
    return 2;
  }
  let store: Store | undefined;
  let opened = false;
  let json = false;
  try {
    const parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: { ...command.options, db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    json = parsed.values.json === true;
    if (parsed.values.help) {
      stdout.write(`atlas ${command.name} — ${command.summary}\n\n${command.usage.trim()}\n\nGlobal: --db PATH|URL, --json, --help\n`);
      return 0;
    }
    if (!command.positionals && parsed.positionals.length > 0) {
      stderr.write(`error [BAD_ARGUMENT]: atlas ${command.name} takes no argument "${parsed.positionals[0]}". See \`atlas ${command.name} --help\`.\n`);
      return 2;
    }
    const db = resolveDbLocation(parsed.values.db as string | undefined);
    const ctx: CommandContext = {
      json,
      db,
      stdout,
      stderr,
      interactive: Boolean((io.stderr as NodeJS.WriteStream).isTTY) && !process.env['CI'],
      argv,
      store: async () => {
        if (store) return store;
        store = await openStore(db);
        if (opened) return store; // opened again after releaseStore: its notes were said the first time
        opened = true;
        // Commands that read figures see them as of the data: a refresh an ingest did not get to is done first, and said.
        if (!WRITES_OR_REDERIVES.has(command.name)) {
          const r = await ensureFreshDerived(store);
          if (r) stderr.write(`note: ${rederivedNote(r)}\n`);
        }
        if (command.name !== 'vacuum') {
          const unused = await unusedSpaceNote(store);
          if (unused) stderr.write(`note: ${unused}\n`);
        }
        return store;
      },
      releaseStore: async () => {
        const open = store;
        store = undefined;
        if (open) await open.close();
      },
    };
    const code = await command.run(ctx, parsed.values, parsed.positionals);
    return code ?? 0;
  } catch (e) {
    if (isAtlasError(e)) {
      if (json) stdout.write(JSON.stringify({ error: { code: e.code, message: e.message } }) + '\n');
      stderr.write(`error [${e.code}]: ${e.message}\n`);
      return e.code === 'BAD_ARGUMENT' ? 2 : 1;
    }
    if (e instanceof TypeError && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
      stderr.write(`error [BAD_ARGUMENT]: ${e.message}. See \`atlas ${command.name} --help\`.\n`);
      return 2;
    }
    stderr.write(`internal error (a bug in talent-atlas — please report it with this trace):\n${e instanceof Error ? e.stack : String(e)}\n`);
    return 70;
  } finally {
    if (store) await store.close();
  }
}

const isMain = process.argv[1] !== undefined && /(bin\/atlas(\.js)?|cli\/main\.ts)$/.test(process.argv[1]);
if (isMain) {
  // A closed pipe (`atlas export … | head`) ends the output quietly, as other Unix tools do.
  for (const s of [process.stdout, process.stderr]) s.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
  process.exitCode = await runCli(process.argv.slice(2));
}
