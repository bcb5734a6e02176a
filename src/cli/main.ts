import yargs, { type Argv, type CommandModule } from 'yargs';
import { BallotError } from '../util/errors.js';
import { commands } from './commands/index.js';
import { checkOutputsAgainstInputs } from './io-options.js';
import { safeForTerminal } from './format/terminal.js';

/** Entry point of the `ballot` CLI: parses arguments and calls the library; nothing else lives here. */
export async function main(argv: string[]): Promise<void> {
  quietOnClosedOutput();
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
      .middleware((args) => checkOptionValues(args, cli, argv), true)
      .middleware((args) => checkOutputsAgainstInputs(String(args._[0] ?? ''), args))
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      });
    for (const c of commands) cli = cli.command(c as CommandModule);
    await cli.parseAsync();
  } catch (e) {
    // One line, whatever the message (a compiler error from tsx spans several); --verbose prints it all with the stack.
    const msg = safeForTerminal((e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim());
    const expected = e instanceof BallotError || e instanceof UsageError || isSystemError(e);
    process.stderr.write(`ballot: ${msg}${!verbose && !expected ? ' (run with --verbose for the stack trace)' : ''}\n`);
    if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

class UsageError extends Error {}

/**
 * A reader that stops early (`ballot … --json | head -c 100`) closes the pipe: stop quietly with status 0, as the
 * reader chose to stop (not 141: a pipeline under `set -o pipefail` would call that a failure). Other stream errors
 * still surface.
 */
let quietInstalled = false;
function quietOnClosedOutput(): void {
  if (quietInstalled) return;
  quietInstalled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

/**
 * What yargs lets through but the commands cannot use. A repeated option becomes an array, which a single-valued
 * option cannot take (it crashed deep inside, e.g. `--out a --out b`); array options (`--lfs`) may repeat. A number
 * option given a word becomes NaN: name the word the user typed.
 */
function checkOptionValues(argv: Record<string, unknown>, y: Argv, raw: readonly string[]): void {
  // Only the declared names (yargs also sets camelCase and other aliases of each).
  const options = (y as unknown as { getOptions(): { array: string[]; number: string[]; key: Record<string, unknown> } }).getOptions();
  const arrays = new Set<string>(options.array);
  for (const k of Object.keys(options.key)) {
    const v = argv[k];
    if (Array.isArray(v) && !arrays.has(k)) throw new UsageError(`--${k} is given ${v.length} times (${v.join(', ')}); give it once`);
  }
  for (const k of options.number) {
    if (!Number.isNaN(argv[k])) continue;
    const i = raw.findIndex((a) => a === `--${k}` || a.startsWith(`--${k}=`));
    const given = i < 0 ? undefined : raw[i].startsWith(`--${k}=`) ? raw[i].slice(k.length + 3) : raw[i + 1];
    throw new UsageError(`--${k} must be a number, got ${given === undefined ? 'nothing' : JSON.stringify(given)}`);
  }
}

/** A Node filesystem/OS error (ENOENT, EACCES…): the user's environment, not a ballot bug, so no stack-trace hint. */
function isSystemError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}
