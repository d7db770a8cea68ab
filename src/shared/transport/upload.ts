/**
 * Browser mode, large drops: stream a file to `bgw serve` over HTTP instead of base64 inside a
 * WebSocket frame (a 200 MB trajectory would be 270 MB of JSON string). The server answers with a
 * path on its own disk, which then goes to `datasets.import` like a desktop file.
 */
import { ContractCallError, toContractError } from './errors.js';
import { API_UPLOAD_PATH, TOKEN_HEADER } from './protocol.js';

export async function uploadFile(
  baseUrl: string,
  token: string,
  fileName: string,
  body: Blob | ArrayBuffer,
): Promise<{ path: string; bytes: number }> {
  const url = new URL(API_UPLOAD_PATH, baseUrl);
  url.searchParams.set('fileName', fileName);
  const response = await fetch(url, {
    method: 'POST',
    headers: { [TOKEN_HEADER]: token, 'content-type': 'application/octet-stream' },
    body: body instanceof Blob ? body : new Blob([body]),
  });
  const data: unknown = await response.json().catch(() => ({ code: 'failed', message: response.statusText }));
  if (!response.ok) throw new ContractCallError(toContractError(data));
  return data as { path: string; bytes: number };
}
