#!/usr/bin/env node
// `npm start`: run the desktop app through electron-vite where the Electron binary exists; where it
// does not (CI, this kind of machine), say so in one sentence and point to browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // The electron package exports the binary's path, and throws when its download was skipped.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

if (!electronBinary()) {
  console.error(
    'The Electron binary is not installed on this machine, so the desktop window cannot open; ' +
      'run the same app in your browser with `npm run build && npm run serve` and open the URL it prints ' +
      '(with internet access, `node node_modules/electron/install.js` downloads Electron).',
  );
  process.exit(1);
}

// better-sqlite3 in node_modules is built for Node (tests, CLI); Electron needs its own ABI build.
const native = spawnSync(process.execPath, ['scripts/electron-native.mjs'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (native.status !== 0) process.exit(native.status ?? 1);

const child = spawn(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'dev'], {
  stdio: 'inherit',
  env: { ...process.env, BGW_SQLITE_BINDING: native.stdout.trim() },
});
child.on('exit', (code) => process.exit(code ?? 1));
