import { ConfigError } from '../util/errors.js';
import { SampleCandidates, selectCandidates, type BatchedSampleResult } from './candidates.js';
import { createSampleContext, type SampleInput } from './context.js';
import { isPreparedRecipe, prepareRecipe, type PreparedRecipe, type Recipe } from './recipe.js';

export interface SampleBatchesOptions {
  /** Rows of the whole pool never to select (1 = excluded). */
  exclude?: Uint8Array;
}

/**
 * Runs a recipe over a pool given batch by batch (probabilities, hard labels, label matrix and rows of consecutive
 * rows), holding only each part's best `budget` rows per stratum: memory bounded by the budget and one batch, not by
 * the pool. Selects exactly the rows `runRecipe` selects on the whole pool. Recipes with dedupe or parts that look
 * at the whole pool at once (the end-model samplers, drift, custom samplers) are refused; run them with `runRecipe`.
 */
export async function sampleBatches(
  recipe: Recipe | PreparedRecipe,
  batches: AsyncIterable<SampleInput> | Iterable<SampleInput>,
  options: SampleBatchesOptions = {},
): Promise<BatchedSampleResult> {
  const prepared: PreparedRecipe = isPreparedRecipe(recipe) ? recipe : prepareRecipe(recipe);
  let candidates: SampleCandidates | undefined;
  for await (const input of batches) {
    const ctx = createSampleContext(input);
    candidates ??= new SampleCandidates(prepared, ctx.labels);
    candidates.addBatch(ctx, candidates.n, options.exclude);
  }
  if (!candidates) throw new ConfigError('sampleBatches: no batches were given');
  if (options.exclude && options.exclude.length !== candidates.n)
    throw new ConfigError(`exclude has ${options.exclude.length} entries for a pool of ${candidates.n} rows`);
  return selectCandidates(prepared, candidates);
}
