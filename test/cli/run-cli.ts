import * as path from 'path';
import { runCli } from '../../src/cli/run';

/** The fixtures directory; tests run the CLI from here so paths in the output stay short. */
export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'cli');

/** What one run of the command line printed and returned. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cdk8s-netsec <argv>` in-process with `cwd` (default: the fixtures directory), capturing output. */
export function cli(argv: string[], options: { cwd?: string; stdin?: string } = {}): CliRun {
  let stdout = '';
  let stderr = '';
  const status = runCli(argv, {
    stdout: { write: (text: string) => stdout += text },
    stderr: { write: (text: string) => stderr += text },
    cwd: options.cwd ?? FIXTURES,
    readStdin: options.stdin === undefined ? undefined : () => options.stdin!,
  });
  return { status, stdout, stderr };
}
