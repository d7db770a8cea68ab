#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .electron-native/, leaving node_modules' Node build
// untouched so `npm test` and the CLI keep working under plain Node. The Electron main process loads
// this copy through better-sqlite3's `nativeBinding` option (BGW_SQLITE_BINDING, see docs/packaging.md).
// Packaged builds do the same through electron-builder's own rebuild step.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve('.electron-native');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const stamp = join(root, 'electron-version');
const binding = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion && existsSync(binding))) {
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'electron-native', private: true }));
  for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    const from = join('node_modules', name);
    if (existsSync(from)) cpSync(from, join(root, 'node_modules', name), { recursive: true });
  }
  const { rebuild } = await import('@electron/rebuild');
  console.error(`Building better-sqlite3 for Electron ${electronVersion}…`);
  await rebuild({ buildPath: root, electronVersion, onlyModules: ['better-sqlite3'], force: true });
  writeFileSync(stamp, electronVersion);
}
console.log(binding);
