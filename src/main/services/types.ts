/**
 * The back end as the transports see it: one handler per contract method, plus a sink for events.
 * Handlers receive input already validated (zod output type) and return the contract's output.
 */
import type { z } from 'zod';
import type { EventName, EventPayload, MethodName, MethodOutput, methods } from '../../shared/contract.js';

export type MethodHandler<M extends MethodName> = (
  input: z.output<(typeof methods)[M]['input']>,
) => Promise<MethodOutput<M>>;

export type ServiceTable = { [M in MethodName]: MethodHandler<M> };

export interface EventSink {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export interface Backend {
  services: ServiceTable;
  /** Cancel jobs, close the project database. */
  dispose(): Promise<void>;
}
