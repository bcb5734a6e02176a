#!/usr/bin/env node
// ballot runs its TypeScript sources (and the user's LF files) through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv.slice(2));
