/**
 * The sandboxed preload: exposes `window.workbench` (a WorkbenchClient: call + on) and nothing
 * else. No runtime imports beyond `electron` and our own transport code: a sandboxed preload
 * cannot require npm packages, so validation happens in the main process.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { WorkbenchClient } from '../shared/contract.js';
import { createIpcClient } from '../shared/transport/ipcClient.js';
import { type Envelope, IPC_EVENT_CHANNEL } from '../shared/transport/protocol.js';

const client = createIpcClient({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<Envelope>,
  // One IPC listener for all events; the page never sees ipcRenderer or the IPC event object.
  subscribe: (listener) => ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, message) => listener(message)),
});

// Only call and on cross the bridge (not `deliver`).
const workbench: WorkbenchClient = { call: client.call, on: client.on };
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
    client.deliver('ui.command', { command: 'import', paths });
  },
  true,
);
