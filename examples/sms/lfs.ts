/**
 * Labeling functions for the SMS Spam Collection (`<ham|spam>\t<text>`; label SPAM = spam). Written once from what SMS
 * spam generally looks like (premium short codes, prizes, "txt STOP", pence-per-minute rates, long phone numbers) and
 * what personal messages look like (short, first person, chat slang), not tuned on the collection's labels.
 */
import { ABSTAIN, defineLabels, keywordLF, labelingFunction, regexLF } from '../../src/index.js';

export const labels = defineLabels(['HAM', 'SPAM'] as const);

/** A row of the collection (the bench reads the TSV into { text }). */
export interface Sms {
  text: string;
}

const field = 'text';

/** Prizes and winnings: the classic SMS scam. */
export const keyword_prize = keywordLF({
  name: 'keyword_prize',
  keywords: ['prize', 'winner', 'won', 'win', 'award', 'awarded', 'claim', 'congratulations', 'selected', 'guaranteed'],
  label: 'SPAM',
  field,
});
/** Something free or cash on offer. */
export const keyword_free = keywordLF({ name: 'keyword_free', keywords: ['free', 'cash', 'bonus', 'voucher', 'offer'], label: 'SPAM', field });
/** Opt-out and premium-service boilerplate. */
export const keyword_stop = regexLF({
  name: 'keyword_stop',
  pattern: /\b(txt|text|send|reply)\s+stop\b|\bunsubscribe\b|\bopt[- ]?out\b/i,
  label: 'SPAM',
  field,
});
/** "Text WIN to 80086": a keyword sent to a 5-digit short code. */
export const short_code = regexLF({ name: 'short_code', pattern: /\b(txt|text|send|reply)\b.{0,20}\bto\s+\d{5}\b/i, label: 'SPAM', field });
/** Long phone numbers (premium lines like 09061234567) are rare in personal messages. */
export const phone_number = regexLF({ name: 'phone_number', pattern: /\b0[789]\d{8,9}\b|\b\d{11}\b/, label: 'SPAM', field });
/** Money amounts and per-message or per-minute rates. */
export const money_rate = regexLF({
  name: 'money_rate',
  pattern: /£\s?\d|\$\s?\d|\b\d+p\b|\bppm\b|\bper (min|msg|week)\b|\b\d+\/(min|msg)\b/i,
  label: 'SPAM',
  field,
});
/** Links and terms. */
export const link_terms = regexLF({ name: 'link_terms', pattern: /https?:|www\.|\.com\b|\bT&Cs?\b|\b18\+|\b16\+/i, label: 'SPAM', field });
/** Ringtones, mobiles and network promotions. */
export const keyword_mobile = keywordLF({
  name: 'keyword_mobile',
  keywords: ['ringtone', 'tone', 'mobile', 'nokia', 'camera phone', 'network', 'subscription'],
  label: 'SPAM',
  field,
});
/** Urgent calls to action. */
export const keyword_urgent = keywordLF({
  name: 'keyword_urgent',
  keywords: ['urgent', 'call now', 'act now', 'limited time', 'expires'],
  label: 'SPAM',
  field,
});

/** Chat slang and first-person talk: friends texting each other. */
export const keyword_chat = keywordLF({
  name: 'keyword_chat',
  keywords: [
    'lol',
    'haha',
    'hahaha',
    'lor',
    'lar',
    'gonna',
    'wanna',
    'ok',
    'okay',
    'sorry',
    'home',
    'tonight',
    'later',
    "i'm",
    "i'll",
    'im',
    'dunno',
  ],
  label: 'HAM',
  field,
});
/** Short messages without digits ("ok see you soon") are personal. */
export const short_no_digits = labelingFunction({
  name: 'short_no_digits',
  vote: (s: Sms) => (s.text.trim().split(/\s+/).length <= 8 && !/\d/.test(s.text) ? 'HAM' : ABSTAIN),
});
/** Questions about plans and whereabouts. */
export const regex_plans = regexLF({
  name: 'regex_plans',
  pattern: /\b(where|when) (are|r) (you|u)\b|\bsee (you|u)\b|\bcall me\b|\bpick (you|u|me) up\b/i,
  label: 'HAM',
  field,
});
