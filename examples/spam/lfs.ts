/**
 * Labeling functions for the YouTube Spam Collection (comments on five music videos; CLASS 1 = spam).
 * The first ten follow the Snorkel spam tutorial's LFs (minus its spaCy/TextBlob ones, which need Python models);
 * the rest are cheap heuristics any reader of the comments would write.
 */
import { ABSTAIN, defineLabels, keywordLF, labelingFunction, preprocessor, regexLF } from '../../src/index.js';

export const labels = defineLabels(['HAM', 'SPAM'] as const);

/** A row of the YouTube CSVs. */
export interface Comment {
  COMMENT_ID: string;
  AUTHOR: string;
  DATE: string;
  CONTENT: string;
  CLASS?: string;
}

/** Shared by the LFs below: runs once per row however many LFs use it. */
const words = preprocessor('words', (c: Comment) => ({ ...c, words: c.CONTENT.trim().split(/\s+/).filter(Boolean) }));

const field = 'CONTENT';

/** "my" (my channel, my video) is the commonest word of self-promotion. */
export const keyword_my = keywordLF({ name: 'keyword_my', keywords: ['my'], label: 'SPAM', field });
export const keyword_subscribe = keywordLF({ name: 'keyword_subscribe', keywords: ['subscribe'], label: 'SPAM', field });
/** Links: real comments rarely carry one. */
export const keyword_http = keywordLF({ name: 'keyword_http', keywords: ['http'], label: 'SPAM', field, match: 'substring' });
export const keyword_please = keywordLF({ name: 'keyword_please', keywords: ['please', 'plz'], label: 'SPAM', field });
/** People who talk about the song are usually fans. */
export const keyword_song = keywordLF({ name: 'keyword_song', keywords: ['song'], label: 'HAM', field });
export const regex_check_out = regexLF({ name: 'regex_check_out', pattern: /check.*out/i, label: 'SPAM', field });

/** Very short comments ("love it", "lol") are ham. */
export const short_comment = labelingFunction({
  name: 'short_comment',
  pre: [words],
  vote: (c: Comment & { words: string[] }) => (c.words.length < 5 ? 'HAM' : ABSTAIN),
});

/** Promoting a channel or a social profile. */
export const keyword_channel = keywordLF({
  name: 'keyword_channel',
  keywords: ['channel', 'instagram', 'facebook', 'twitter', 'follow me'],
  label: 'SPAM',
  field,
});
/** Money-making offers. */
export const keyword_money = keywordLF({
  name: 'keyword_money',
  keywords: ['money', 'earn', 'cash', 'free', 'win', 'gift card', 'dollars'],
  label: 'SPAM',
  field,
});
/** Fans talk about views ("2 billion views") and the artist. */
export const regex_views = regexLF({ name: 'regex_views', pattern: /\b(billion|million) views?\b|\bviews\b/i, label: 'HAM', field });

/** Long comments full of exclamation marks and capitals are mostly promotion. */
export const shouting = labelingFunction({
  name: 'shouting',
  pre: [words],
  vote: (c: Comment & { words: string[] }) => {
    if (c.words.length < 8) return ABSTAIN;
    const letters = c.CONTENT.replace(/[^A-Za-z]/g, '');
    const caps = c.CONTENT.replace(/[^A-Z]/g, '').length;
    return letters.length > 20 && caps / letters.length > 0.5 ? 'SPAM' : ABSTAIN;
  },
});

/** Love for the song or the singer, in a comment that promotes nothing. */
export const love_no_link = labelingFunction({
  name: 'love_no_link',
  vote: (c: Comment) =>
    /\b(love|luv|best|awesome|amazing)\b/i.test(c.CONTENT) && !/http|www\.|\.com|subscri|channel|check/i.test(c.CONTENT) ? 'HAM' : ABSTAIN,
});
