import type { Argv, CommandModule } from 'yargs';
import { discoverLFs } from '../../project/discovery.js';
import { discoverSlices } from '../../project/slice-discovery.js';
import { displayPath } from '../../project/paths.js';
import { formatTable } from '../format/table.js';
import { printJSON } from '../output.js';

interface ListArgs {
  lfs: string[];
  json?: boolean;
}

const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List every exported LF: name, file:line, doc comment (duplicate names are an error naming both places)',
  builder: (y) =>
    y
      .option('lfs', { type: 'string', array: true, default: ['lfs/**/*.ts'], describe: 'LF files or glob patterns' })
      .option('json', { type: 'boolean', describe: 'Print JSON' }) as unknown as Argv<ListArgs>,
  handler: async (a) => {
    const d = await discoverLFs(a.lfs);
    const items = d.lfs.map((lf) => ({
      name: lf.name,
      file: displayPath(lf.declaredIn),
      line: lf.line ?? null,
      export: lf.index === undefined ? lf.exportName : `${lf.exportName}[${lf.index}]`,
      doc: lf.doc ?? null,
      description: lf.description ?? null,
      batched: 'batched' in lf.lf,
      fingerprint: lf.codeHash,
      alwaysReapplied: lf.codeHash === null ? (lf.codeHashNote ?? 'fingerprint unknown') : null,
    }));
    // Slice functions live in the same files; listed apart (they are not applied as LFs).
    const slices = (await discoverSlices(a.lfs, { allowNone: true })).slices.map((s) => ({
      name: s.name,
      file: displayPath(s.declaredIn),
      line: s.line ?? null,
      export: s.index === undefined ? s.exportName : `${s.exportName}[${s.index}]`,
      doc: s.doc ?? s.description ?? null,
      fingerprint: s.codeHash,
    }));
    if (a.json) {
      printJSON({ labels: d.labels?.names ?? null, files: d.files.map((f) => displayPath(f)), lfs: items, slices });
      return;
    }
    const rows = items.map((it) => [it.name, `${it.file}${it.line ? `:${it.line}` : ''}`, (it.doc ?? it.description ?? '').split('\n')[0]]);
    const lines = [formatTable(['LF', 'where', 'doc'], rows, { maxCellWidth: 80 })];
    lines.push(
      '',
      `${items.length} LFs in ${d.files.length} file${d.files.length === 1 ? '' : 's'}${d.labels ? `; labels ${d.labels.names.join(', ')}` : ''}`,
    );
    for (const it of items.filter((x) => x.alwaysReapplied)) lines.push(`${it.name} is always re-applied: ${it.alwaysReapplied}`);
    if (slices.length) {
      lines.push(
        '',
        formatTable(
          ['slice function', 'where', 'doc'],
          slices.map((s) => [s.name, `${s.file}${s.line ? `:${s.line}` : ''}`, (s.doc ?? '').split('\n')[0]]),
          { maxCellWidth: 80 },
        ),
      );
      lines.push('', `${slices.length} slice function${slices.length === 1 ? '' : 's'}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};

export const lfsCommand: CommandModule<object, object> = {
  command: 'lfs <command>',
  describe: 'Inspect labeling functions',
  builder: (y) => y.command(listCommand as CommandModule<object, any>).demandCommand(1, 'Give an lfs subcommand: list'),
  handler: () => {},
};
