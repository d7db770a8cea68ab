#!/usr/bin/env node
// `bgw`: the Boltzmann Workbench command line. Registers tsx so it runs from a clone without a build.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
