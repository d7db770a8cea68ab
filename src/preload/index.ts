/**
 * The sandboxed preload: exposes `window.workbench` (a WorkbenchClient: call + on) and nothing
 * else. No runtime imports beyond `electron` and our own protocol constants: a sandboxed preload
 * cannot require npm packages, so validation happens in the main process.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ContractError, EventName, WorkbenchClient } from '../shared/contract.js';
import {
  IPC_CALL_PREFIX,
  IPC_EVENT_CHANNEL,
  METHOD_NAME_PATTERN,
  type Envelope,
} from '../shared/transport/protocol.js';

type Handler = (payload: unknown) => void;
const handlers = new Map<string, Set<Handler>>();

function deliver(event: string, payload: unknown): void {
  for (const handler of handlers.get(event) ?? []) {
    try {
      handler(payload);
    } catch (err) {
      console.error(`handler for ${event} threw`, err);
    }
  }
}

// One IPC listener for all events; the renderer never sees ipcRenderer or the IPC event object.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_e: IpcRendererEvent, message: { event: EventName; payload: unknown }) => {
  deliver(message.event, message.payload);
});

/** Rejections are plain `{ name, code, message, details }` objects: contextBridge strips custom Error fields. */
function rejection(error: ContractError): ContractError & { name: string } {
  return { name: 'ContractCallError', ...error };
}

const workbench: WorkbenchClient = {
  async call(method, input) {
    if (typeof method !== 'string' || !METHOD_NAME_PATTERN.test(method)) {
      throw rejection({ code: 'unknown_method', message: `unknown method: ${String(method)}` });
    }
    const envelope = (await ipcRenderer.invoke(IPC_CALL_PREFIX + method, input ?? {})) as Envelope;
    if (envelope.ok) return envelope.result as never;
    throw rejection(envelope.error);
  },
  on(event, handler) {
    let set = handlers.get(event);
    if (!set) handlers.set(event, (set = new Set()));
    const h = handler as Handler;
    set.add(h);
    return () => {
      set.delete(h);
    };
  },
};

contextBridge.exposeInMainWorld('workbench', workbench);

// Files dropped anywhere on the window go to import as paths (the sandboxed page cannot see paths).
// Capture phase on window runs before any page listener, so the page does not also read the bytes.
// Minimal DOM shapes: this file is type-checked with the Node config, which has no DOM lib.
type DroppedFile = Parameters<typeof webUtils.getPathForFile>[0];
interface DragEventLike {
  dataTransfer: { types: readonly string[]; files: ArrayLike<DroppedFile> } | null;
  preventDefault(): void;
  stopImmediatePropagation(): void;
}
const page = globalThis as unknown as {
  addEventListener(type: 'dragover' | 'drop', listener: (e: DragEventLike) => void, capture: boolean): void;
};
page.addEventListener(
  'dragover',
  (e) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  },
  true,
);
page.addEventListener(
  'drop',
  (e) => {
    const files = Array.from(e.dataTransfer?.files ?? []);
    const paths = files.map((f) => webUtils.getPathForFile(f)).filter((p) => p);
    if (!paths.length) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    deliver('ui.command', { command: 'import', paths });
  },
  true,
);
