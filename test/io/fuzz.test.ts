import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNNER = fileURLToPath(new URL('./fuzzRunner.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** A case that answers nothing for this long is stuck (a synchronous loop in a decoder). */
const STUCK_MS = 10_000;

interface Line {
  start?: string;
  done?: string;
  outcome?: 'ok' | 'error';
  failure?: string;
}

function runFuzzChild(seed: number): Promise<{ lines: Line[]; stuck?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, 'run', String(seed)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Line[] = [];
    let buffer = '';
    let stderr = '';
    let current: string | undefined;
    let timer = setTimeout(() => undefined, 0);
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ lines, stuck: current });
      }, STUCK_MS);
    };
    arm();
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const p of parts) {
        if (!p.startsWith('{')) continue;
        const line = JSON.parse(p) as Line;
        if (line.start) current = line.start;
        else lines.push(line);
        arm();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ lines });
      else if (code !== null) reject(new Error(`fuzz runner exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

describe('fuzz: mutated copies of the real files', () => {
  it('only ever give TrajectoryError or valid data, without hanging', async () => {
    const started = Date.now();
    const { lines, stuck } = await runFuzzChild(20190906);
    expect(stuck, `stuck on ${stuck}`).toBeUndefined();
    expect(lines.filter((l) => l.failure).map((l) => `${l.done}: ${l.failure}`)).toEqual([]);
    const ok = lines.filter((l) => l.outcome === 'ok').length;
    const error = lines.filter((l) => l.outcome === 'error').length;
    // A few hundred cases, and both outcomes occur: mutations are neither all harmless nor all fatal.
    expect(ok + error).toBeGreaterThan(300);
    expect(ok).toBeGreaterThan(10);
    expect(error).toBeGreaterThan(10);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
