/** Offer content to the user as a file download (browser mode exports, PNG snapshots). */
import { base64ToBytes } from './base64.js';

export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadContent(
  content: string,
  encoding: 'utf8' | 'base64',
  name: string,
  mime: string,
): void {
  const data = encoding === 'base64' ? base64ToBytes(content) : content;
  downloadBlob(new Blob([data as BlobPart], { type: mime }), name);
}

export function downloadDataUrl(dataUrl: string, name: string): void {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
