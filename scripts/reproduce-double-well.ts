/**
 * The double-well reproduction, kept under its old name: it is `npm run reproduce -- paper-double-well`
 * (scripts/reproduce.ts does the run, the quadrature reference, the files and the table).
 * Usage: node --import tsx scripts/reproduce-double-well.ts [preset.json] [reproduce options]
 */
if (!process.argv[2] || process.argv[2].startsWith('--')) process.argv.splice(2, 0, 'paper-double-well');
await import('./reproduce.js');
export {};
