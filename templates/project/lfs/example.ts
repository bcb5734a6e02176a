/**
 * Your labeling functions. Every exported LF is found by `ballot lfs list` and applied by `ballot apply`;
 * edit one and `ballot apply` (or `ballot watch`) re-applies just that one.
 */
import { ABSTAIN, defineLabels, keywordLF, labelingFunction } from 'ballot';

/** The classes the LFs vote for; class i of the label matrix is labels.names[i]. */
export const labels = defineLabels(['HAM', 'SPAM'] as const);

/** A row of data/tiny.csv. */
type Message = { id: string; text: string; label: string };

/** Messages that push you to click, buy or claim something are spam. */
export const callToAction = keywordLF({
  name: 'call_to_action',
  keywords: ['click', 'buy', 'claim', 'free', 'winner', 'subscribe'],
  label: 'SPAM',
  field: 'text',
});

/** Short messages that talk to someone ("are you coming?") are ham. */
export const shortPersonal = labelingFunction({
  name: 'short_personal',
  vote: (m: Message) => {
    const words = m.text.trim().split(/\s+/);
    return words.length <= 8 && /\b(you|we|i|me)\b/i.test(m.text) ? 'HAM' : ABSTAIN;
  },
});
