import { describe, expect, it } from 'vitest';
import { storedCommandLine } from './command-line.ts';

describe('the command line the store keeps', () => {
  it('redacts keys, tokens, e-mail addresses and database passwords, and keeps the rest as given', () => {
    expect(storedCommandLine(['pull', 'openalex', 'works', '--filter', 'x:y', '--api-key', 'abc123', '--mailto=me@example.org'])).toBe('atlas pull openalex works --filter x:y --api-key REDACTED --mailto=REDACTED');
    expect(storedCommandLine(['pull', 'openreview', 'profiles', '--from-store', '--username', 'ada@example.org'])).toBe('atlas pull openreview profiles --from-store --username REDACTED');
    expect(storedCommandLine(['pull', 'wikidata', '--from-store', '--user-agent', 'lab-atlas/1.0 (ada@example.org)'])).toBe('atlas pull wikidata --from-store --user-agent REDACTED');
    const line = storedCommandLine(['ingest', 'data', '--db', 'postgres://atlas:s3cret@localhost:5432/atlas']);
    expect(line).not.toContain('s3cret');
    expect(line).toBe('atlas ingest data --db postgres://atlas@localhost:5432/atlas');
    expect(storedCommandLine(['ingest', '--db=postgresql://u:pw@h/db', 'x'])).not.toContain('pw@');
  });
});
