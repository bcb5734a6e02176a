import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRows, readRowsAsync } from '../src/index.js';
import { loadLabelMatrix } from '../src/data/label-matrix-io.js';
import { loadWrenchFile } from '../src/data/wrench.js';
import { readEndModelFile } from '../src/end-model/file.js';
import { loadRecipe } from '../src/sampling/recipe.js';

// Every reader turns a missing file or a directory into one DataError naming the file (util/read-file.ts).
const dir = mkdtempSync(join(tmpdir(), 'ballot-read-errors-'));
const missing = join(dir, 'nope');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('read errors name the file', () => {
  it('missing files', async () => {
    expect(() => readRows(`${missing}.csv`)).toThrow(`${missing}.csv: no such file`);
    await expect(readRowsAsync(`${missing}.parquet`)).rejects.toThrow(`${missing}.parquet: no such file`);
    expect(() => loadLabelMatrix(`${missing}.arrow`)).toThrow(`${missing}.arrow: no such file`);
    expect(() => loadWrenchFile(`${missing}.json`)).toThrow(`${join(dir, 'label.json')}: no such file`); // read first
    expect(() => readEndModelFile(`${missing}.json`)).toThrow(`${missing}.json: no such file (pass an end model saved by ballot train)`);
    await expect(loadRecipe(`${missing}.json`)).rejects.toThrow(`${missing}.json: cannot read the recipe: no such file`);
  });

  it('a directory where a file was expected', async () => {
    const d = join(dir, 'd.csv');
    mkdirSync(d);
    expect(() => readRows(d)).toThrow(`${d}: is a directory, expected a data file`);
    expect(() => readEndModelFile(d)).toThrow(`${d}: is a directory, expected a file`);
    await expect(loadRecipe(d)).rejects.toThrow(`${d}: cannot read the recipe: is a directory, expected a file`);
  });
});
