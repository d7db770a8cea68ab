/**
 * Where the renderer's WorkbenchClient comes from: Electron's preload exposes `window.workbench`;
 * in browser mode (`bgw serve`) we connect a WebSocket to the page's own origin with the token
 * the server printed in the page URL. The page URL keeps the token, so a reload reconnects.
 */
import type { WorkbenchClient } from '../../../shared/contract.js';
// window.workbench is declared by src/preload/index.d.ts.
import { connectFromPageUrl } from '../../../shared/transport/wsClient.js';

export type ClientMode = 'electron' | 'browser';

export async function connectClient(): Promise<{ client: WorkbenchClient; mode: ClientMode }> {
  if (window.workbench) return { client: window.workbench, mode: 'electron' };
  return { client: await connectFromPageUrl(window.location), mode: 'browser' };
}
