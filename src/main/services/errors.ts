import type { ContractError } from '../../shared/contract.js';
import { ProjectError } from '../store/errors.js';

/** A service failure with a contract error code (the transports turn it into ContractError data). */
export class ServiceError extends Error {
  constructor(
    readonly code: ContractError['code'],
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export function notFound(what: string, id: string): ServiceError {
  return new ServiceError('not_found', `${what} ${id} not found`);
}

/** Project-file errors become contract errors with the same clear message. */
export function fromProjectError(e: unknown): unknown {
  if (e instanceof ProjectError) {
    const code =
      e.code === 'not_found'
        ? 'not_found'
        : e.code === 'exists' || e.code === 'no_project'
          ? 'invalid_request'
          : 'failed';
    return new ServiceError(code, e.message, { reason: e.code });
  }
  return e;
}
