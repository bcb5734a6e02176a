import type { CommandModule } from 'yargs';
import { demoCommand } from './demo.js';
import { applyCommand } from './apply.js';
import { lfsCommand } from './lfs.js';
import { initCommand } from './init.js';
import { watchCommand } from './watch.js';
import { analyzeCommand } from './analyze.js';
import { disagreementsCommand } from './disagreements.js';
import { fitCommand } from './fit.js';
import { predictCommand } from './predict.js';
import { sampleCommand } from './sample.js';
import { trainCommand } from './train.js';

// Every CLI command, one module each. Each command only parses flags and calls the library.
export const commands: CommandModule<any, any>[] = [
  demoCommand,applyCommand, lfsCommand, initCommand, watchCommand, analyzeCommand, disagreementsCommand, fitCommand, predictCommand, sampleCommand, trainCommand];
