/** Types of bin/cli-bundle.js (plain JavaScript: it runs before any TypeScript loader). */
export function sourceFingerprint(root?: string): string;
export function compileCli(outDir: string, root?: string): Promise<void>;
export function compiledCliEntry(root?: string): Promise<string | undefined>;
export function startCli(): Promise<void>;
