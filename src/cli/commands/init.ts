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
      .option('ballot', { type: 'string', describe: 'Dependency spec for ballot (default file:<this ballot>, installs offline)' })
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
    lines.push('', 'next:', ...(where === '.' ? [] : [`  cd ${where}`]), '  npm install', '  npx ballot lfs list', '  npx ballot apply --data data/tiny.csv --out out/L.arrow');
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
