import type { ByteSource } from './source.js';

const CHUNK = 1 << 20;

/**
 * Streams text lines from a ByteSource one chunk at a time, so text trajectories of any size read
 * in bounded memory. `offset` is the byte position after the last line returned (for progress).
 */
export class LineReader {
  private decoder = new TextDecoder('utf-8');
  private buffer = '';
  private pos = 0;
  private lines: string[] = [];
  private next = 0;
  private done = false;
  /** Bytes consumed from the source so far. */
  offset = 0;

  constructor(private readonly source: ByteSource) {}

  private async fill(): Promise<boolean> {
    while (this.next >= this.lines.length) {
      if (this.done) return false;
      if (this.pos >= this.source.size) {
        this.done = true;
        this.buffer += this.decoder.decode();
        this.lines = this.buffer.length > 0 ? [this.buffer] : [];
        this.next = 0;
        this.buffer = '';
        if (this.lines.length === 0) return false;
        break;
      }
      const bytes = await this.source.read(this.pos, CHUNK);
      if (bytes.length === 0) {
        this.pos = this.source.size;
        continue;
      }
      this.pos += bytes.length;
      this.buffer += this.decoder.decode(bytes, { stream: true });
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop() ?? '';
      this.lines = parts;
      this.next = 0;
    }
    return true;
  }

  /** The next line without its line ending, or null at the end of the source. */
  async readLine(): Promise<string | null> {
    if (this.next >= this.lines.length && !(await this.fill())) return null;
    const line = this.lines[this.next++];
    this.offset = Math.min(this.source.size, this.offset + line.length + 1);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  /** Skips empty lines; returns the first non-blank line or null. */
  async readNonBlank(): Promise<string | null> {
    for (;;) {
      const line = await this.readLine();
      if (line === null || line.trim() !== '') return line;
    }
  }
}
