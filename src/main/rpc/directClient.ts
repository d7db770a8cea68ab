/**
 * The contract over direct function calls (CLI, tests): same dispatcher, same validation and the
 * same ContractCallError rejections as the IPC and WebSocket transports.
 */
import type { MethodInput, MethodName, MethodOutput, WorkbenchClient } from '../../shared/contract.js';
import { ContractCallError } from '../../shared/transport/errors.js';
import type { Backend } from '../services/types.js';
import { createDispatcher } from './dispatch.js';
import type { EventHub } from './eventHub.js';

export function createDirectClient(backend: Backend, sink: EventHub): WorkbenchClient {
  const dispatch = createDispatcher(backend.services, { transport: 'direct' });
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const envelope = await dispatch(method, input);
      if (!envelope.ok) throw new ContractCallError(envelope.error);
      return envelope.result as MethodOutput<M>;
    },
    on: (event, handler) => sink.on(event, handler),
  };
}
