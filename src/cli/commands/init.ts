import type { Argv, CommandModule } from 'yargs';
import { scaffoldProject } from '../../project/scaffold.js';
import { displayPath } from '../../project/paths.js';
import { printJSON } from '../output.js';

interface InitArgs {
  dir: string;
  name?: string;
  ballot?: string;
  force?: boolean;
  json?: boolean;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init [dir]',
  describe: 'Create a ballot project (package.json, tsconfig, lfs/ with two example LFs, tiny data, a recipe)',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: '.', describe: 'Directory to create the project in' })
      .option('name', { type: 'string', describe: 'package.json name (default: the directory name)' })
      .option('ballot', {
        type: 'string',
        describe:
          'How the project depends on ballot: a version range, or a path (ballot folder or .tgz) → file:<path>. Default ^<this version> (file:<this checkout> when run from a git checkout)',
      })
      .option('force', { type: 'boolean', describe: 'Add the missing files to a non-empty directory (never overwrites)' })
      .option('json', { type: 'boolean', describe: 'Print JSON' }) as unknown as Argv<InitArgs>,
  handler: (a) => {
    const r = scaffoldProject(a.dir, { name: a.name, ballotDependency: a.ballot, force: a.force });
    if (a.json) {
      printJSON(r);
      return;
    }
    const where = displayPath(r.dir) || '.';
    const lines = [`created ${r.files.length} files in ${r.dir}:`, ...r.files.map((f) => `  ${f}`)];
    if (r.skipped.length) lines.push(`kept existing: ${r.skipped.join(', ')}`);
    const why = {
      option: '(as given with --ballot)',
      version: '(this version of ballot, from the npm registry)',
      checkout:
        '(this ballot runs from a git checkout, which is not on the registry: the project points at it; pass --ballot <range> to depend on a published version)',
    }[r.dependencyFrom];
    lines.push(`ballot dependency: "${r.ballotDependency}" ${why}`);
    lines.push(
      '',
      'next:',
      ...(where === '.' ? [] : [`  cd ${where}`]),
      '  npm install',
      '  npm run lfs',
      '  npm run apply',
      '  npm run fit && npm run score',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
