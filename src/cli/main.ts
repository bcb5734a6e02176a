import type { Argv, CommandModule } from 'yargs';
import { BallotError } from '../util/errors.js';
import { commands } from './commands/index.js';
import { withFlags } from './flags.js';
import { checkOutputsAgainstInputs } from './io-options.js';
import { safeForTerminal } from './format/terminal.js';
import { applyInputOptions, cleanUpStdin, INPUT_OPTIONS } from './input-options.js';
import { ballotVersion } from '../util/package-root.js';
import { setStdoutSink } from '../data/stdout.js';
import { outputError } from '../data/atomic.js';
import { helpWidth, storedTopHelp } from './stored-help.js';

/** Entry point of the `ballot` CLI: parses arguments and calls the library; nothing else lives here. */
export async function main(argv: string[]): Promise<void> {
  quietOnClosedOutput();
  // `--out -` / `--data -` (stdout/stdin): yargs would take a lone '-' as a positional; bind it to its option.
  argv = argv.flatMap((a, i) =>
    a === '-' && i > 0 && argv[i - 1]!.startsWith('--') && !argv[i - 1]!.includes('=')
      ? []
      : a.startsWith('--') && !a.includes('=') && argv[i + 1] === '-'
        ? [`${a}=-`]
        : [a],
  );
  const verbose = argv.includes('--verbose');
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${ballotVersion()}\n`);
    return;
  }
  const stored = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h') ? storedTopHelp() : undefined;
  if (stored !== undefined) {
    process.stdout.write(stored);
    return;
  }
  // `--out -`: the data goes to stdout, so the command's own report goes to stderr.
  const dataToStdout = argv.some((a) => a === '--out=-');
  const stdoutWrite = process.stdout.write;
  if (dataToStdout) {
    setStdoutSink((chunk) => stdoutWrite.call(process.stdout, chunk));
    process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  }
  try {
    const { default: yargs } = await import('yargs');
    let cli: Argv = yargs(argv)
      .scriptName('ballot')
      .usage('$0 <command> [options]\n\nWeak supervision as TypeScript code.')
      .option('verbose', { type: 'boolean', describe: 'Print stack traces on error', global: true })
      .options(INPUT_OPTIONS)
      .epilogue(
        'Exit codes: 0 ok, 1 failure (bad data, a failing LF, I/O), 2 usage (unknown command or option, bad flag value).\nNO_COLOR=1 turns colour off. `ballot --version` prints the version.',
      )
      .strict()
      .demandCommand(1, 'Give a command; see ballot --help.')
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      .wrap(helpWidth())
      .middleware((args) => checkOptionValues(args, cli, argv), true)
      .middleware((args) => applyInputOptions(args))
      .middleware((args) => checkOutputsAgainstInputs(String(args._[0] ?? ''), args))
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      });
    // Only the command that runs is imported; the others are listed for --help and suggestions.
    const name = argv.find((a) => !a.startsWith('-'));
    for (const c of commands) {
      const mod = c.command.split(' ')[0] === name ? await c.load() : { command: c.command, describe: c.describe, handler: () => {} };
      cli = cli.command(mod as CommandModule);
    }
    await cli.parseAsync();
  } catch (e) {
    // One line, whatever the message (a compiler error from tsx spans several); --verbose prints it all with the stack.
    const msg = safeForTerminal(withFlags((e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim()));
    const expected = e instanceof BallotError || e instanceof UsageError || isSystemError(e);
    process.stderr.write(`ballot: ${msg}${!verbose && !expected ? ' (run with --verbose for the stack trace)' : ''}\n`);
    if (verbose && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  } finally {
    if (dataToStdout) {
      process.stdout.write = stdoutWrite;
      setStdoutSink((chunk) => process.stdout.write(chunk));
    }
    cleanUpStdin();
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
      // A full disk or device behind stdout (`--out - > /dev/full`): one line on stderr, not a stack trace.
      if (stream === process.stdout && e.code) {
        process.stderr.write(`ballot: ${outputError('standard output', e).message}\n`);
        process.exit(1);
      }
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
