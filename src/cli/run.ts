import { analyze } from './analyze';
import type { CliIo } from './cli-io';
import { diff } from './diff';
import { evaluate } from './eval';
import { ExitStatus } from './exit-status';
import { didYouMean } from './suggest';
import { ANALYZE_USAGE, DIFF_USAGE, EVAL_USAGE, MAIN_USAGE } from './usage';
import { packageVersion } from './version';
import { netsecError } from '../core/errors';

export type { CliIo, CliOutput } from './cli-io';

const COMMAND_USAGE = new Map([['analyze', ANALYZE_USAGE], ['diff', DIFF_USAGE], ['eval', EVAL_USAGE]]);
const COMMANDS = ['analyze', 'diff', 'eval', 'help', '--help', '--version'];

/**
 * Runs `cdk8s-netsec` with the arguments after the program name and returns the exit status: 0 ok,
 * 1 findings at or above the threshold (or a change, for diff with --fail-on-change; a denied
 * connection, for eval), 2 usage error or
 * unreadable or invalid input. Never throws; errors are written to `io.stderr`.
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'analyze':
        return analyze(rest, io);
      case 'diff':
        return diff(rest, io);
      case 'eval':
        return evaluate(rest, io);
      case 'help':
      case '--help':
      case '-h':
        return help(rest[0], io);
      case '--version':
      case '-V':
      case 'version':
        io.stdout.write(`${packageVersion()}\n`);
        return ExitStatus.OK;
      case undefined:
        io.stderr.write(MAIN_USAGE);
        return ExitStatus.ERROR;
      default:
        throw netsecError('cdk8s-netsec', 'does not know this command', command,
          `Commands: analyze, diff, eval, help, --version.${didYouMean(command, COMMANDS)} Run "cdk8s-netsec --help" for usage.`);
    }
  } catch (error: any) {
    io.stderr.write(`Error: ${error?.message ?? String(error)}\n`);
    return ExitStatus.ERROR;
  }
}

function help(topic: string | undefined, io: CliIo): number {
  if (topic === undefined) {
    io.stdout.write(MAIN_USAGE);
    return ExitStatus.OK;
  }
  const usage = COMMAND_USAGE.get(topic);
  if (usage === undefined) {
    throw netsecError('cdk8s-netsec help', 'does not know this command', topic, `Commands: analyze, diff, eval.${didYouMean(topic, [...COMMAND_USAGE.keys()])}`);
  }
  io.stdout.write(usage);
  return ExitStatus.OK;
}
