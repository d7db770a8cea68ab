/**
 * The WorkbenchClient the preload exposes, written against an `invoke`/`subscribe` pair instead of
 * Electron's ipcRenderer so it is the same code under test (with a fake ipcMain) and in the app.
 * No imports beyond our own constants: a sandboxed preload cannot require npm packages.
 */
import type { ContractError, EventName, WorkbenchClient } from '../contract.js';
import { type Envelope, IPC_CALL_PREFIX, METHOD_NAME_PATTERN } from './protocol.js';

export interface IpcLike {
  invoke(channel: string, payload: unknown): Promise<Envelope>;
  /** Called once; delivers every pushed `{ event, payload }`. */
  subscribe(listener: (message: { event: EventName; payload: unknown }) => void): void;
}

/** Rejections are plain `{ name, code, message, details }` objects: contextBridge strips custom Error fields. */
export type BridgeRejection = ContractError & { name: 'ContractCallError' };

function rejection(error: ContractError): BridgeRejection {
  return { name: 'ContractCallError', ...error };
}

export function createIpcClient(
  ipc: IpcLike,
): WorkbenchClient & { deliver(event: string, payload: unknown): void } {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  const deliver = (event: string, payload: unknown) => {
    for (const handler of handlers.get(event) ?? []) {
      try {
        handler(payload);
      } catch (err) {
        console.error(`handler for ${event} threw`, err);
      }
    }
  };
  ipc.subscribe((message) => deliver(message.event, message.payload));
  return {
    async call(method, input) {
      if (typeof method !== 'string' || !METHOD_NAME_PATTERN.test(method)) {
        throw rejection({ code: 'unknown_method', message: `unknown method: ${String(method)}` });
      }
      let envelope: Envelope;
      try {
        envelope = await ipc.invoke(IPC_CALL_PREFIX + method, input ?? {});
      } catch (err) {
        // Electron rejects invoke() on a channel nobody handles: that is a method the contract lacks.
        const message = (err as Error)?.message ?? String(err);
        throw rejection(
          /No handler registered/.test(message)
            ? { code: 'unknown_method', message: `unknown method: ${method}` }
            : { code: 'failed', message },
        );
      }
      if (envelope.ok) return envelope.result as never;
      throw rejection(envelope.error);
    },
    on(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => {
        set.delete(h);
      };
    },
    deliver,
  };
}
