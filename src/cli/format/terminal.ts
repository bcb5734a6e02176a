// Data printed to a terminal must not drive it: an escape sequence in a CSV cell can retitle the window, clear the
// screen or hide text. One function, applied to every table cell and every error line.

// C0 controls except tab/newline (handled by the callers' layout), DEL, C1 controls, and the bidi overrides that
// reorder what is shown.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every terminal control character shown as a visible escape (ESC → "\x1b"), so nothing is hidden. */
export function safeForTerminal(text: string): string {
  return text.replace(
    CONTROL,
    (c) => `\\x${c.charCodeAt(0) > 0xff ? `{${c.charCodeAt(0).toString(16)}}` : c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
