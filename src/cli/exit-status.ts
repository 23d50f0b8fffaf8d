/** The exit statuses of the command line. */
export enum ExitStatus {
  /** Nothing to report at or above the threshold. */
  OK = 0,
  /** A finding at or above --fail-on, or (diff with --fail-on-change) a change. */
  FAILED = 1,
  /** A usage error, or input that cannot be read or modelled. */
  ERROR = 2,
  /** With --fail-on-unknown: an answer depends on something the analyzer does not know or evaluate. */
  UNCERTAIN = 3,
}
