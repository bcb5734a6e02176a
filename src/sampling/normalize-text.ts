/**
 * Text normalization for duplicate detection: strip HTML tags and decode HTML entities, lowercase, drop everything
 * that is not a letter, combining mark or digit, collapse whitespace runs to one space, trim. "FREE iPhone!!!  Click:"
 * and "free iphone click" normalize alike, and so do "Check out this video on YouTube:<br />" and the same text
 * without the tag, or "Rock &amp; roll" and "Rock & roll".
 * Works on UTF-16 code units in a reusable buffer so a million texts do not allocate a million strings; markup is
 * handled in the same pass, off the hot path, when the scan meets '<' or '&'.
 */
const KEEP = 1;
const SPACE = 2;
const DROP = 3;
/** '<' or '&': maybe the start of a tag or an entity, else dropped like other punctuation. */
const MARKUP = 4;
/** Per-BMP-code-unit class, filled lazily (0 = not classified yet). */
const charClass = new Uint8Array(65536);
const LETTER_OR_DIGIT = /^[\p{L}\p{M}\p{N}]$/u;
const WHITESPACE = /^\s$/u;

function classify(ch: string): number {
  if (LETTER_OR_DIGIT.test(ch)) return KEEP;
  if (WHITESPACE.test(ch)) return SPACE;
  return DROP;
}
for (let c = 0; c < 128; c++) charClass[c] = classify(String.fromCharCode(c));
const LT = 0x3c;
const AMP = 0x26;
charClass[LT] = MARKUP;
charClass[AMP] = MARKUP;

export class TextNormalizer {
  /** Normalized UTF-16 code units of the last `normalize` call, in `buf[0..length)`. */
  buf = new Uint16Array(256);
  length = 0;
  /** Whether a space is owed before the next kept character; only meaningful while `markupAt` runs. */
  private pendingSpace = false;

  /** Normalizes `text` into `buf`; returns the normalized length. */
  normalize(text: string): number {
    const x = text.toLowerCase();
    // Decoding only shrinks text (an entity is longer than what it stands for, even lowercased), so x.length fits.
    if (this.buf.length < x.length) this.buf = new Uint16Array(x.length * 2);
    const buf = this.buf;
    let len = 0;
    let pendingSpace = false;
    for (let i = 0; i < x.length; i++) {
      const c = x.charCodeAt(i);
      let cls: number;
      let width = 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < x.length) {
        // Astral character (emoji, rare scripts): classify the whole code point.
        width = 2;
        cls = classify(x.slice(i, i + 2));
      } else {
        cls = charClass[c];
        if (cls === 0) cls = charClass[c] = classify(x[i]);
      }
      if (cls === KEEP) {
        if (pendingSpace && len > 0) buf[len++] = 32;
        pendingSpace = false;
        buf[len++] = c;
        if (width === 2) buf[len++] = x.charCodeAt(i + 1);
      } else if (cls === SPACE) pendingSpace = true;
      else if (cls === MARKUP) {
        // Rare: kept out of this loop so the common path stays as tight as plain text needs.
        this.length = len;
        this.pendingSpace = pendingSpace;
        i = this.markupAt(x, i);
        len = this.length;
        pendingSpace = this.pendingSpace;
      }
      i += width - 1;
    }
    this.length = len;
    return len;
  }

  /**
   * x[i] is '<' or '&'. A tag becomes a pending space (a tag such as <br /> separates words); an entity is decoded
   * and its character appended; anything else is dropped like other punctuation. Returns the index of the last code
   * unit consumed. Reads and updates `length` and `pendingSpace`.
   */
  private markupAt(x: string, i: number): number {
    if (x.charCodeAt(i) === LT) {
      const end = tagEnd(x, i);
      if (end < 0) return i;
      this.pendingSpace = true;
      return end;
    }
    const end = entityEnd(x, i);
    const decoded = end > 0 ? decodeEntity(x, i + 1, end) : undefined;
    if (decoded === undefined) return i;
    // At most one character, appended as plain text: a decoded '&' or '<' starts no markup ("&amp;lt;" is "&lt;").
    for (let q = 0; q < decoded.length; q++) {
      const cp = decoded.codePointAt(q)!;
      const ch = String.fromCodePoint(cp);
      const cls = classify(ch);
      if (cls === KEEP) {
        if (this.pendingSpace && this.length > 0) this.buf[this.length++] = 32;
        this.pendingSpace = false;
        for (let u = 0; u < ch.length; u++) this.buf[this.length++] = ch.charCodeAt(u);
      } else if (cls === SPACE) this.pendingSpace = true;
      q += ch.length - 1;
    }
    return end;
  }

  /** The normalized text as a string (for display and tests). */
  toString(): string {
    let s = '';
    for (let i = 0; i < this.length; i += 4096) s += String.fromCharCode(...this.buf.subarray(i, Math.min(this.length, i + 4096)));
    return s;
  }
}

/** Normalizes one text (see TextNormalizer). */
export function normalizeText(text: string): string {
  const t = new TextNormalizer();
  t.normalize(text);
  return t.toString();
}

// ------------------------------------------------------------------------------------------------ HTML markup

const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66);

/**
 * Index of the '>' closing a tag that opens at x[i] = '<', or -1. A tag is '<', a letter, '/', '!' or '?', then
 * anything but '<' or '>' up to '>'. Stopping at the next '<' keeps the work linear on text with many unclosed '<'
 * and leaves "I <3 you" and "a < b > c" alone. `x` is lowercased.
 */
function tagEnd(x: string, i: number): number {
  const c = x.charCodeAt(i + 1);
  if (!(isLower(c) || c === 0x2f || c === 0x21 || c === 0x3f)) return -1; // / ! ?
  for (let j = i + 2; j < x.length; j++) {
    const d = x.charCodeAt(j);
    if (d === 0x3e) return j;
    if (d === LT) return -1;
  }
  return -1;
}

/** Index of the ';' ending an entity that opens at x[i] = '&' (&name; &#123; &#x1f600;), or -1. `x` is lowercased. */
function entityEnd(x: string, i: number): number {
  let j = i + 1;
  if (x.charCodeAt(j) === 0x23) {
    // #
    j++;
    const hex = x.charCodeAt(j) === 0x78; // x
    if (hex) j++;
    const start = j;
    while (j < x.length && (hex ? isHex(x.charCodeAt(j)) : isDigit(x.charCodeAt(j)))) j++;
    return j > start && x.charCodeAt(j) === 0x3b ? j : -1;
  }
  if (!isLower(x.charCodeAt(j))) return -1;
  const start = j;
  while (j < x.length && j - start < 8 && (isLower(x.charCodeAt(j)) || isDigit(x.charCodeAt(j)))) j++;
  return x.charCodeAt(j) === 0x3b ? j : -1;
}

/**
 * Named entities decoded, keyed in lower case since the text is lowercased first (so an upper-cased copy of a
 * comment, with "&AMP;" in it, still matches): the markup escapes, common typography, and the Latin-1 letters in
 * lower case. Other names are left as text.
 */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  deg: '°',
  times: '×',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  cent: '¢',
  yen: '¥',
  iexcl: '¡',
  iquest: '¿',
  shy: '',
  agrave: 'à',
  aacute: 'á',
  acirc: 'â',
  atilde: 'ã',
  auml: 'ä',
  aring: 'å',
  aelig: 'æ',
  ccedil: 'ç',
  egrave: 'è',
  eacute: 'é',
  ecirc: 'ê',
  euml: 'ë',
  igrave: 'ì',
  iacute: 'í',
  icirc: 'î',
  iuml: 'ï',
  eth: 'ð',
  ntilde: 'ñ',
  ograve: 'ò',
  oacute: 'ó',
  ocirc: 'ô',
  otilde: 'õ',
  ouml: 'ö',
  oslash: 'ø',
  ugrave: 'ù',
  uacute: 'ú',
  ucirc: 'û',
  uuml: 'ü',
  yacute: 'ý',
  thorn: 'þ',
  szlig: 'ß',
  yuml: 'ÿ',
};

/**
 * The lowercased text of the entity whose name is x[from..end), or undefined for an unknown name. A numeric entity
 * outside Unicode or naming a surrogate (or NUL) decodes to U+FFFD, which normalization drops.
 */
function decodeEntity(x: string, from: number, end: number): string | undefined {
  if (x.charCodeAt(from) !== 0x23) return Object.hasOwn(NAMED, x.slice(from, end)) ? NAMED[x.slice(from, end)] : undefined;
  const hex = x.charCodeAt(from + 1) === 0x78;
  const cp = parseInt(x.slice(from + (hex ? 2 : 1), end), hex ? 16 : 10); // a long digit run parses past 0x10ffff
  return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp).toLowerCase() : '\ufffd';
}
