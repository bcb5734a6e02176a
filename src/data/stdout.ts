// Where a data file named "-" goes: standard output. The CLI routes its own report to stderr then, so the data
// stream stays clean (`ballot predict --out - | head`).
let sink: (chunk: string | Uint8Array) => void = (chunk) => {
  process.stdout.write(chunk);
};

/** Replaces the writer of "-" outputs (the CLI keeps the real stdout here before sending reports to stderr). */
export function setStdoutSink(write: (chunk: string | Uint8Array) => void): void {
  sink = write;
}

/** Writes the bytes of an output named "-". */
export function writeStdout(chunk: string | Uint8Array): void {
  sink(chunk);
}
