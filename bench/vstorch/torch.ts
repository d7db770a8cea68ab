/**
 * The PyTorch reference (bench/torch_reference.py) as a child process speaking JSON lines, so it
 * stays warm between repeats and the two engines can run alternately in one bench.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's python: python3-torch is installed for it, not for a pyenv python on PATH. */
export const PYTHON = process.env.BGW_BENCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../torch_reference.py', import.meta.url));

/** null when PyTorch is importable, else a message telling how to install it. */
export function torchMissing(): string | null {
  if (!existsSync(PYTHON))
    return `${PYTHON} not found. Install Debian's python3 and python3-torch: apt-get update && apt-get install -y python3-torch`;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status === 0) return null;
  return `PyTorch is not importable by ${PYTHON} (${(r.stderr || '').trim().split('\n').pop()}). Install it: apt-get update && apt-get install -y python3-torch (or set BGW_BENCH_PYTHON to a python with torch).`;
}

export interface Timed {
  ms: number;
  peakRssKb: number;
  [key: string]: unknown;
}

export class TorchReference {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(
    readonly label: string,
    readonly threads: number,
  ) {
    const n = String(threads);
    this.child = spawn(PYTHON, [SCRIPT], {
      // Debian's torch calls OpenBLAS (BLAS_INFO=generic), whose own thread pool ignores
      // torch.set_num_threads: left at its default (all cores) a "1-thread" torch runs 2-thread
      // GEMMs, which on a loaded machine made the ML step 1.7x slower (measured here).
      // OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning; with the default
      // spin, 2-thread torch on this shared, overloaded 2-core machine took 10 s per ML step, not 0.85.
      env: {
        ...process.env,
        OMP_NUM_THREADS: n,
        OPENBLAS_NUM_THREADS: n,
        MKL_NUM_THREADS: n,
        OMP_WAIT_POLICY: 'PASSIVE',
      },
    });
    this.child.stderr.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-4000);
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async request<T = Timed>(req: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error(`${this.label}: the PyTorch process ended. stderr:\n${this.stderr}`);
    const reply = JSON.parse(next.value) as T & { error?: string };
    if (reply.error) throw new Error(`${this.label}: ${reply.error}`);
    return reply;
  }

  async close(): Promise<void> {
    this.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
    await new Promise((r) => this.child.once('exit', r));
  }
}
