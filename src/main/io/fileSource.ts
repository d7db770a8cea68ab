import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ByteSource } from '../../core/io/source.js';

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

/** A ByteSource over a file on disk: reads ranges on demand (one open handle, no whole-file load). */
export async function fileSource(path: string): Promise<FileSource> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  const handle = await open(path, 'r');
  const size = info.size;
  return {
    name: basename(path),
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const start = Math.max(0, Math.min(offset, size));
      const n = Math.max(0, Math.min(length, size - start));
      const buffer = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await handle.read(buffer, got, n - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buffer : buffer.subarray(0, got);
    },
    close: () => handle.close(),
  };
}

/** Opens, runs `use`, and always closes the file. */
export async function withFileSource<T>(path: string, use: (source: FileSource) => Promise<T>): Promise<T> {
  const source = await fileSource(path);
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}
