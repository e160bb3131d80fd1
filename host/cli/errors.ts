/**
 * Errors a person sees. Each is one line: what was wrong, where, what to do.
 * main.ts prints `ringfence: <message>` and exits with the code; no stack
 * trace ever reaches the terminal for bad input.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message);
  }
}

/** Bad flags or arguments: exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Rejected or failed input (bad file, rejected module): exit 1. */
export class InputError extends CliError {
  constructor(message: string) {
    super(message, 1);
  }
}
