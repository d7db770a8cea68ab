/** Running `bgw` as a child process in tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BGW = fileURLToPath(new URL('../../bin/bgw.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnBgw(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [BGW, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, result };
}

export function bgw(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return spawnBgw(args, env).result;
}
