/**
 * The command line as the store keeps it (ingest runs' and pull jobs' provenance): secrets and personal data
 * given as options are replaced by REDACTED — API keys, tokens, passwords, the e-mail addresses OpenAlex's
 * `--mailto`, OpenReview's `--username` and a Wikidata `--user-agent` carry — and a PostgreSQL URL keeps its user but
 * not its password.
 */
import { redactUrl } from '../store/postgres/postgres-store.ts';

const SECRET_OPTIONS = new Set(['--api-key', '--mailto', '--username', '--password', '--token', '--user-agent']);

export function storedCommandLine(argv: readonly string[]): string {
  const out: string[] = ['atlas'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (SECRET_OPTIONS.has(name)) {
      if (eq > 0) out.push(`${name}=REDACTED`);
      else {
        out.push(name);
        if (i + 1 < argv.length) {
          out.push('REDACTED');
          i++;
        }
      }
      continue;
    }
    out.push(/^postgres(ql)?:\/\//.test(arg) ? redactUrl(arg) : arg.replace(/(^|=)(postgres(?:ql)?:\/\/\S+)/, (_m, pre: string, url: string) => pre + redactUrl(url)));
  }
  return out.join(' ');
}
