import yargs, { type Argv, type CommandModule } from 'yargs';
import { BallotError } from '../util/errors.js';
import { commands } from './commands/index.js';

/** Entry point of the `ballot` CLI: parses arguments and calls the library; nothing else lives here. */
export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose');
  try {
    let cli: Argv = yargs(argv)
      .scriptName('ballot')
      .usage('$0 <command> [options]\n\nWeak supervision as TypeScript code.')
      .option('verbose', { type: 'boolean', describe: 'Print stack traces on error', global: true })
      .strict()
      .demandCommand(1, 'Give a command; see ballot --help.')
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      });
    for (const c of commands) cli = cli.command(c as CommandModule);
    await cli.parseAsync();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`ballot: ${msg}\n`);
    if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    else if (!(e instanceof BallotError) && !(e instanceof UsageError) && e instanceof Error) {
      process.stderr.write('(run with --verbose for the stack trace)\n');
    }
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

class UsageError extends Error {}
