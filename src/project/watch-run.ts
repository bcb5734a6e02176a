import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { missingColumns } from '../data/read.js';
import { parseLabelModelKind } from '../label-model/registry.js';
import { ConfigError, DataError } from '../util/errors.js';
import { type WatchOptions, watchLFs } from './watch.js';

/**
 * `ballot watch`: watchLFs after the checks no save of an LF file can fix (every run would print the same error): the
 * label model kind, the data file, its gold column. LF errors are reported per run instead, since the next save may
 * fix them. Resolves when `signal` aborts.
 */
export async function runWatch(o: WatchOptions): Promise<void> {
  if (o.labelModel !== undefined && o.labelModel !== 'none') {
    if (o.labelModel === 'auto')
      throw new ConfigError('`labelModel` auto needs a dev set to choose on; give a model kind (mv, wmv, ds, mc, triplet) or none');
    parseLabelModelKind(o.labelModel);
  }
  const data = o.cwd ? resolve(o.cwd, o.data) : o.data;
  if (!existsSync(data)) throw new ConfigError(`data file not found: ${o.data}`);
  if (o.goldColumn) {
    const { missing, columns, empty } = await missingColumns(data, [o.goldColumn]);
    if (missing.length && !empty) throw new DataError(o.data, `no gold label column "${o.goldColumn}"; columns are ${columns.join(', ')}`);
  }
  await watchLFs(o);
}
