/** Somewhere text goes: `process.stdout`, or a buffer in tests. */
export interface CliOutput {
  /** Writes text as given (the command line adds its own line breaks). */
  write(text: string): unknown;
}

/** What the command line reads from and writes to, so that tests run it without spawning a process. */
export interface CliIo {
  /** Reports, help, JSON. */
  readonly stdout: CliOutput;
  /** Errors and the reason for a failing exit status. */
  readonly stderr: CliOutput;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Reads all of standard input, for the path `-`.
   * @default - the path "-" is an error
   */
  readonly readStdin?: () => string;
}
