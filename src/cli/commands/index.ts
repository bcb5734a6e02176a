import type { CommandModule } from 'yargs';
import { applyCommand } from './apply.js';
import { analyzeCommand } from './analyze.js';
import { disagreementsCommand } from './disagreements.js';

// Every CLI command, one module each. Each command only parses flags and calls the library.
export const commands: CommandModule<any, any>[] = [applyCommand, analyzeCommand, disagreementsCommand];
