import { GoldStream } from '../data/gold-stream.js';
import { labelMatrixChunks, type LabelMatrixChunk } from '../data/label-matrix-stream.js';
import type { LabelMatrixHeader } from '../data/label-matrix-io.js';
import { MajorityVote } from '../label-model/majority-vote.js';
import type { LabelModel } from '../label-model/types.js';
import { DisagreementPasses, type DisagreementOptions, type DisagreementReport } from './disagreements.js';
import { decide } from '../label-model/decide.js';

/** Options of `disagreementsFromFile`: those of `disagreements`, with the model and the gold file instead of arrays. */
export interface DisagreementsFileOptions extends Omit<DisagreementOptions, 'gold' | 'endProbs' | 'preds'> {
  /** The label model giving the probabilities (default: majority vote). */
  model?: LabelModel;
  /** Given labels: a row file in matrix order and its label column, streamed in step with the matrix. */
  gold?: { file: string; column: string };
  /** Rows of the matrix judged at a time (default 65536). */
  chunkRows?: number;
  /** Runs on the matrix's header before any row is read (e.g. to check that the model fits it). */
  onHeader?: (header: LabelMatrixHeader) => void;
}

/**
 * `disagreements` on a label matrix file in bounded memory (with the matrix's row count): two passes over the file (the matrix and the gold file
 * streamed in step), the first for the per-class thresholds, the second to rank rows into the top lists; each chunk's
 * probabilities are computed in each pass (a row's depend on its votes only). The report — flags, ranks, scores,
 * counts, notes — equals `disagreements(L, probs, { preds: model.predictFromProbs(probs), … })` on the whole matrix
 * (the model's decision rule labels the rows). Memory: one chunk plus the
 * top lists (`top` per kind, `topPerLF` per LF), whatever n is.
 */
export async function disagreementsFromFile(
  matrixFile: string,
  options: DisagreementsFileOptions = {},
): Promise<{ report: DisagreementReport; rows: number }> {
  const { model = new MajorityVote(), gold: goldFile, chunkRows, onHeader, ...rest } = options;
  let passes: DisagreementPasses | undefined;
  let rows = 0;
  const pass = async (visit: (c: LabelMatrixChunk, gold: Int32Array | null) => void, first: boolean) => {
    let gold: GoldStream | undefined;
    rows = 0;
    try {
      for await (const chunk of labelMatrixChunks(matrixFile, {
        chunkRows,
        onHeader: (h) => {
          if (first) {
            onHeader?.(h);
            passes = new DisagreementPasses(h, { ...rest, hasGold: goldFile !== undefined });
          }
          if (goldFile) gold = new GoldStream(goldFile.file, goldFile.column, h.labels, matrixFile);
        },
      })) {
        visit(chunk, gold ? await gold.take(chunk.L.n) : null);
        rows += chunk.L.n;
      }
      await gold?.finish(rows);
    } catch (e) {
      await gold?.close();
      throw e;
    }
  };
  // One decision rule: each chunk's hard labels are the model's own (auto's F1 cut), as in predict and sample.
  await pass(({ L, offset }, gold) => {
    const { probs, preds } = decide(model, L, { rowOffset: offset });
    passes!.observe(L, probs, gold, preds);
  }, true);
  await pass(({ L, offset }, gold) => {
    const { probs, preds } = decide(model, L, { rowOffset: offset });
    passes!.judge(L, probs, gold, offset, preds);
  }, false);
  return { report: passes!.report(), rows };
}
