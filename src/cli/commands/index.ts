import type { CommandModule } from 'yargs';

// Every CLI command, one module each. Each command only parses flags and calls the library.
export const commands: CommandModule<any, any>[] = [];
