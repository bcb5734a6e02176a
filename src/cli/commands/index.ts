import type { CommandModule } from 'yargs';
import { applyCommand } from './apply.js';

// Every CLI command, one module each. Each command only parses flags and calls the library.
export const commands: CommandModule<any, any>[] = [applyCommand];
