// Builds the optional native kernels (native/: OpenBLAS matrix products for the wasm backend).
// Runs after `npm install`; never fails the install: without a C compiler or OpenBLAS the engine
// runs on plain WebAssembly and `bgw` says so. BGW_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const strict = process.argv.includes('--strict');

function done(ok, message) {
  const line = ok
    ? `native kernels: ${message}`
    : `native kernels not built (${message}); training and sampling run on plain WebAssembly, 2–10× slower. Install a C compiler and OpenBLAS (Debian: apt-get install g++ libopenblas-dev), then run npm run build:native.`;
  (ok ? console.log : console.warn)(line);
  process.exit(ok || !strict ? 0 : 1);
}

if (process.env.BGW_NATIVE === '0') done(false, 'BGW_NATIVE=0');
if (!existsSync(join(native, 'binding.gyp'))) done(false, 'native/binding.gyp is missing');

// npm puts its bundled node-gyp on PATH for scripts; outside npm fall back to npx.
const gyp = spawnSync('node-gyp', ['rebuild'], { cwd: native, encoding: 'utf8', shell: false });
const result = gyp.error
  ? spawnSync('npx', ['--yes', 'node-gyp', 'rebuild'], { cwd: native, encoding: 'utf8' })
  : gyp;
if (result.status !== 0) {
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const cause = /cblas\.h|lopenblas/.test(log)
    ? 'OpenBLAS headers or library not found'
    : /not found|ENOENT|No such file/.test(log)
      ? 'no C compiler or node-gyp'
      : `node-gyp exited with ${result.status}`;
  if (strict) console.error(log);
  done(false, cause);
}
done(true, `built ${join('native', 'build', 'Release', 'bgw_kernels.node')}`);
