/**
 * Electron IPC: one `ipcMain.handle` channel per contract method, registered from the contract's
 * method list and answered by the same dispatcher as every other transport. Replies are envelopes
 * (`{ ok, result | error }`) because Electron drops custom fields of thrown errors.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { type EventName, methods } from '../../shared/contract.js';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, type Envelope } from '../../shared/transport/protocol.js';
import type { Dispatcher } from '../rpc/dispatch.js';
import type { EventHub } from '../rpc/eventHub.js';

type InvokeEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, payload: unknown) => Promise<Envelope>): void;
  removeHandler(channel: string): void;
}

export interface IpcOptions {
  /** Only frames of our own renderer may call (Electron checklist: validate the sender). */
  isTrustedSender: (frameUrl: string) => boolean;
  /**
   * Shell-side step before dispatch, e.g. ask for a save path with a native dialog. Return the
   * payload to dispatch, or an envelope to answer without dispatching.
   */
  beforeDispatch?: (method: string, payload: unknown) => Promise<{ payload: unknown } | { reply: Envelope }>;
}

export function ipcChannel(method: string): string {
  return IPC_CALL_PREFIX + method;
}

/** Registers every contract method; returns a function that removes them again. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  dispatch: Dispatcher,
  options: IpcOptions,
): () => void {
  const names = Object.keys(methods);
  for (const method of names) {
    ipcMain.handle(ipcChannel(method), async (event, payload) => {
      const url = event.senderFrame?.url ?? '';
      if (!options.isTrustedSender(url)) {
        return {
          ok: false,
          error: { code: 'unauthorized', message: `untrusted sender: ${url || 'unknown frame'}` },
        };
      }
      let input = payload;
      if (options.beforeDispatch) {
        try {
          const step = await options.beforeDispatch(method, payload);
          if ('reply' in step) return step.reply;
          input = step.payload;
        } catch (err) {
          return { ok: false, error: { code: 'failed', message: (err as Error).message ?? String(err) } };
        }
      }
      return dispatch(method, input);
    });
  }
  return () => names.forEach((m) => ipcMain.removeHandler(ipcChannel(m)));
}

interface WebContentsLike {
  send(channel: string, message: { event: EventName; payload: unknown }): void;
  isDestroyed(): boolean;
}

/** Push every back-end event to the window's renderer; returns the unsubscribe function. */
export function forwardEvents(hub: EventHub, target: () => WebContentsLike | undefined): () => void {
  return hub.onAny((event, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, { event, payload });
  });
}
