// ballot/internal: building blocks beyond the public API (src/index.ts) for tools built on ballot. No stability promise.
export * from './index.js';
