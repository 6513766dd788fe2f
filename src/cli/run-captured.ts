/** Runs the real CLI in-process with captured output, for tests of commands. */
import { PassThrough } from 'node:stream';
import { runCli } from './main.ts';

export interface CliOutcome {
  code: number;
  out: string;
  err: string;
}

export async function runCaptured(args: readonly string[]): Promise<CliOutcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli([...args], { stdout, stderr });
  return { code, out, err };
}
