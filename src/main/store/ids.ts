import { randomBytes } from 'node:crypto';

/** Short readable ids with a kind prefix (run-3f9a1c0b2e4d), easy to type in the CLI. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function now(): string {
  return new Date().toISOString();
}
