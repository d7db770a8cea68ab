/**
 * stdout carries only results (JSON with --json); everything else — progress, notes, libraries'
 * console.log (tfjs banners) — goes to stderr.
 */
export function keepStdoutClean(): void {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** A short, readable error for the user; exits the command with a non-zero code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** "3.412 ± 0.021 kT₀", or why there is no number (a state holds no weight). */
export function formatDeltaF(d: { value: number | null; error: number | null }): string {
  if (d.value === null) return 'not sampled (a state holds no weight)';
  return `${d.value.toFixed(3)} ± ${d.error === null ? '?' : d.error.toFixed(3)} kT₀`;
}
