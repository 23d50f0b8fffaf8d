import { netsecError } from '../../core/errors';

/*
 * Problems found while reading many files or objects: each keeps the library's message, prefixed with
 * where it comes from; all of them are reported together, so one run lists everything to fix.
 */

/** The error, its message prefixed with where the offending input comes from (file and document). */
export function locatedError(error: unknown, at: string | undefined): Error {
  const located = error instanceof Error ? error : netsecError(at, 'could not be read', String(error), 'Check the input.');
  if (at !== undefined && error instanceof Error) located.message = `${at}: ${located.message}`;
  return located;
}

/** Nothing when there are no problems, the problem itself when there is one, else one error listing all. */
export function throwProblems(where: string, problems: readonly Error[], rest: string): void {
  if (problems.length === 0) return;
  if (problems.length === 1) throw problems[0];
  throw netsecError(where, `found ${problems.length} problems in the input; ${rest}`, problems.length,
    `Fix each of them:\n${problems.map(p => `- ${p.message}`).join('\n')}`);
}
