/**
 * Errors cross every transport as plain data (VS Code's pattern): `{ code, message, details }`.
 * Callers get a `ContractCallError`, an Error that keeps those fields, whatever the transport.
 */
import type { ContractError } from '../contract.js';

export type ContractErrorCode = ContractError['code'];

const CODES: readonly ContractErrorCode[] = [
  'invalid_request',
  'unknown_method',
  'not_found',
  'cancelled',
  'failed',
  'unauthorized',
];

export function isContractErrorCode(value: unknown): value is ContractErrorCode {
  return typeof value === 'string' && (CODES as readonly string[]).includes(value);
}

export class ContractCallError extends Error implements ContractError {
  readonly code: ContractErrorCode;
  readonly details?: unknown;

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ContractCallError';
    this.code = error.code;
    if (error.details !== undefined) this.details = error.details;
  }

  toJSON(): ContractError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Normalise anything a transport rejected with (Error, plain object from contextBridge, string). */
export function toContractError(value: unknown): ContractError {
  if (value !== null && typeof value === 'object') {
    const v = value as { code?: unknown; message?: unknown; details?: unknown };
    if (isContractErrorCode(v.code)) {
      const message = typeof v.message === 'string' ? v.message : String(v.code);
      return v.details === undefined
        ? { code: v.code, message }
        : { code: v.code, message, details: v.details };
    }
    if (typeof v.message === 'string') return { code: 'failed', message: v.message };
  }
  return { code: 'failed', message: String(value) };
}

/** Turn whatever a transport rejected with into a ContractCallError. */
export function toContractCallError(value: unknown): ContractCallError {
  return value instanceof ContractCallError ? value : new ContractCallError(toContractError(value));
}
