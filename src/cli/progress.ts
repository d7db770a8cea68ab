/**
 * A progress bar on stderr: redrawn in place on a terminal, one line per update (at most every
 * 250 ms) otherwise, so logs and tests can follow it.
 */
export class ProgressBar {
  private last = 0;
  private lastText = '';
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly enabled = true) {}

  update(fraction: number, message: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < (this.tty ? 100 : 250) && fraction < 1) return;
    this.last = now;
    const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${message}`;
    if (text === this.lastText) return;
    this.lastText = text;
    process.stderr.write(this.tty ? `\r\x1b[2K${text}` : `${text}\n`);
  }

  done(): void {
    if (this.enabled && this.tty && this.lastText) process.stderr.write('\n');
    this.lastText = '';
  }
}
