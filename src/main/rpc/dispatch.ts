/**
 * The one place where contract calls meet the service table, whatever the transport: look the
 * method up, validate the input with its zod schema, run the handler, validate the output, and
 * turn every failure into a ContractError (plain data) instead of a throw.
 */
import type { z } from 'zod';
import { type ContractError, type MethodName, methods } from '../../shared/contract.js';
import { isContractErrorCode } from '../../shared/transport/errors.js';
import type { Envelope } from '../../shared/transport/protocol.js';
import type { ServiceTable } from '../services/types.js';

export type DispatchResult = Envelope;
export type Dispatcher = (method: string, payload: unknown) => Promise<DispatchResult>;

export function isMethodName(method: string): method is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, method);
}

/** Zod issues as data: field path + message (+ code) — enough for the UI to point at the field. */
export function issuesOf(error: z.ZodError): { path: (string | number)[]; message: string; code: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
    code: issue.code,
  }));
}

/** Map a thrown value to a ContractError; services may throw errors carrying a contract `code`. */
export function errorFromThrown(err: unknown): ContractError {
  if (err !== null && typeof err === 'object') {
    const e = err as { name?: unknown; code?: unknown; message?: unknown; details?: unknown };
    const message = typeof e.message === 'string' && e.message ? e.message : String(err);
    if (e.name === 'CancellationError' || e.name === 'AbortError') return { code: 'cancelled', message };
    if (isContractErrorCode(e.code)) {
      return e.details === undefined
        ? { code: e.code, message }
        : { code: e.code, message, details: e.details };
    }
    return { code: 'failed', message };
  }
  return { code: 'failed', message: String(err) };
}

export interface DispatcherOptions {
  /** Reported in `app.info`'s `transport` field: services do not know which transport called them. */
  transport?: 'ipc' | 'websocket' | 'http' | 'direct';
}

export function createDispatcher(services: ServiceTable, options: DispatcherOptions = {}): Dispatcher {
  return async (method, payload) => {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `unknown method: ${String(method)}` } };
    }
    const schema = methods[method];
    const input = schema.input.safeParse(payload ?? {});
    if (!input.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_request',
          message: `invalid request for ${method}: ${input.error.issues[0]?.message ?? ''}`,
          details: issuesOf(input.error),
        },
      };
    }
    let raw: unknown;
    try {
      // The table is indexed by a union of names; each handler gets its own method's parsed input.
      const handler = services[method] as (input: unknown) => Promise<unknown>;
      raw = await handler(input.data);
      if (method === 'app.info' && options.transport && raw !== null && typeof raw === 'object') {
        raw = { ...raw, transport: options.transport };
      }
    } catch (err) {
      return { ok: false, error: errorFromThrown(err) };
    }
    const output = schema.output.safeParse(raw);
    if (!output.success) {
      // A back-end bug, not the caller's: say so, with the paths that broke.
      console.error(`[dispatch] ${method} returned output that breaks the contract`, issuesOf(output.error));
      return {
        ok: false,
        error: {
          code: 'failed',
          message: `${method} returned an invalid response`,
          details: issuesOf(output.error),
        },
      };
    }
    return { ok: true, result: output.data };
  };
}
