/** What the preload exposes to the renderer (Electron only; absent in browser mode). */
import type { WorkbenchClient } from '../shared/contract.js';

declare global {
  interface Window {
    /**
     * The contract client over Electron IPC. Rejections are plain `{ name, code, message, details }`
     * objects (contextBridge drops custom Error fields); use `toContractCallError` from
     * src/shared/transport/errors.ts to get the same ContractCallError as in browser mode.
     */
    workbench?: WorkbenchClient;
  }
}

export {};
