/**
 * Wire messages of the browser bridge (one JSON object per WebSocket frame) and the Electron IPC
 * channel names. No Node or DOM imports: the renderer, the preload and the server share this file.
 */
import type { ContractError, EventName, MethodName } from '../contract.js';

/** Subprotocol the server selects; the token travels as a second subprotocol `bgw.token.<hex>`. */
export const WS_PROTOCOL = 'bgw.v1';
export const WS_TOKEN_PROTOCOL_PREFIX = 'bgw.token.';
export const WS_PATH = '/ws';
export const API_CALL_PREFIX = '/api/call/';
export const API_UPLOAD_PATH = '/api/upload';
export const TOKEN_HEADER = 'x-bgw-token';

/** Electron: one `ipcMain.handle` channel per contract method, one channel for pushed events. */
export const IPC_CALL_PREFIX = 'bgw:call:';
export const IPC_EVENT_CHANNEL = 'bgw:event';

export interface CallMessage {
  type: 'call';
  id: number;
  method: MethodName | string;
  payload: unknown;
}

export type Envelope = { ok: true; result: unknown } | { ok: false; error: ContractError };

export type ResultMessage = { type: 'result'; id: number } & Envelope;

export interface EventMessage {
  type: 'event';
  event: EventName;
  payload: unknown;
}

export type ServerMessage = ResultMessage | EventMessage;

/** Method names look like `area.verb`; anything else is refused before it reaches a channel. */
export const METHOD_NAME_PATTERN = /^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/;
