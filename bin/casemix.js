#!/usr/bin/env node
// The `casemix` command: runs the TypeScript CLI (src/cli/) under Node with the same Wasm core as the site.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/casemix.ts');
