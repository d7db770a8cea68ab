/**
 * The layer rules of DESIGN.md, checked on every `npm run lint`:
 *   renderer → shared;  main, cli → core, shared;  core → shared only;  preload → shared.
 * Paths are matched with a leading `(^|/)` so test/fixtures/layering can prove the rules fire.
 */
const layer = (name) => `(^|/)src/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-no-electron-dom-store',
      severity: 'error',
      comment: 'src/core is pure science: no Electron, no DOM libraries, no SQLite store.',
      from: { path: layer('core') },
      to: {
        path: '(^|/)node_modules/(electron|better-sqlite3|three|svelte|uplot|ws)/|^(electron|better-sqlite3)$',
      },
    },
    {
      name: 'core-imports-only-shared',
      severity: 'error',
      comment: 'src/core may import src/shared and itself, never main, cli, preload or renderer.',
      from: { path: layer('core') },
      to: { path: `${layer('(main|cli|preload|renderer)')}` },
    },
    {
      name: 'shared-imports-nothing-above',
      severity: 'error',
      comment: 'src/shared is the contract: it may not depend on any other layer.',
      from: { path: layer('shared') },
      to: { path: `${layer('(core|main|cli|preload|renderer)')}` },
    },
    {
      name: 'renderer-only-shared',
      severity: 'error',
      comment: 'The renderer talks to the back end only through the contract in src/shared.',
      from: { path: layer('renderer') },
      to: { path: `${layer('(core|main|cli|preload)')}` },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      comment: 'The renderer runs sandboxed: no Node built-ins, no Electron, no native modules.',
      from: { path: layer('renderer') },
      to: {
        dependencyTypes: ['core'],
      },
    },
    {
      name: 'renderer-no-backend-packages',
      severity: 'error',
      from: { path: layer('renderer') },
      to: { path: '(^|/)node_modules/(electron|better-sqlite3|@tensorflow|molstar|ws)/|^electron$' },
    },
    {
      name: 'preload-only-shared',
      severity: 'error',
      comment: 'The preload exposes the contract client and nothing else.',
      from: { path: layer('preload') },
      to: { path: `${layer('(core|main|cli|renderer)')}` },
    },
    {
      name: 'main-not-renderer',
      severity: 'error',
      from: { path: layer('(main|cli)') },
      to: { path: `${layer('(renderer|preload)')}` },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.node.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.d.ts', '.json'],
    },
  },
};
