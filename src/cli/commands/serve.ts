/**
 * `bgw serve`: the workbench in a browser. Serves the built renderer and the contract on loopback
 * behind a random token and prints the URL to open.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { createBackend } from '../../main/services/backend.js';
import { type RunningServer, startServer } from '../../main/serve/server.js';

export interface ServeOptions {
  port: number;
  host: string;
  allowRemote?: boolean;
  open?: boolean;
  rendererDir?: string;
  appDataDir?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('a port number 0–65535');
  return port;
}

/** out/renderer next to the package, wherever this file was bundled to (src/cli/commands or out/cli). */
export function defaultRendererDir(): string {
  const candidates = [resolve('out/renderer')];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      candidates.push(join(dir, 'out/renderer'));
      break;
    }
    dir = dirname(dir);
  }
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[candidates.length - 1]!;
}

/** Electron's `app.getPath('userData')` for this app, so desktop and browser mode share recent projects. */
export function defaultAppDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const name = 'Boltzmann Workbench';
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), name);
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), name);
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`could not open a browser; open ${url} yourself`));
  child.unref();
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const server = await startServer({
    backendFactory: (sink) =>
      createBackend({ sink, ...(options.appDataDir ? { appDataDir: options.appDataDir } : {}) }),
    port: options.port,
    host: options.host,
    allowRemote: options.allowRemote ?? false,
    rendererDir: options.rendererDir ?? defaultRendererDir(),
    log: (line) => console.error(line),
  });
  // stdout carries only the URL, so scripts can read it; everything else goes to stderr.
  process.stdout.write(`${server.pageUrl}\n`);
  console.error(
    `Boltzmann Workbench is serving on ${server.url} — open the URL above (it carries the access token). Ctrl+C stops.`,
  );
  if (options.open) openBrowser(server.pageUrl);
  return server;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the workbench to a browser on this machine (HTTP + WebSocket, token-protected)')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', parsePort, 0)
    .option('--host <host>', 'address to bind; anything but loopback also needs --allow-remote', '127.0.0.1')
    .option('--allow-remote', 'allow binding a non-loopback address (plain HTTP: prefer an SSH tunnel)')
    .option('--open', 'open the page in the default browser')
    .option('--renderer-dir <dir>', 'built renderer to serve (default: out/renderer)')
    .option('--app-data-dir <dir>', 'where the recent-projects list is kept (default: the desktop app’s)')
    .action(async (opts: ServeOptions) => {
      const server = await serve(opts); // errors reach bgw's one-line error report
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

/** For src/cli/index.ts: `registerServe(program)`. */
export function registerServe(program: Command): void {
  program.addCommand(serveCommand());
}
