// Keys that come from data or files (column names, JSON keys, recipe names) must never reach Object.prototype:
// a column "constructor" read through `row[c]` on a `{}` row is the Object function, "__proto__" sets the prototype.
// Rows built by ballot are null-prototype records; lookups that may see user-built objects go through these helpers.

/** A fresh record with no prototype: every key, "__proto__" and "constructor" included, is an ordinary own key. */
export function nullRecord<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** `obj[key]` if it is obj's own property, else undefined (never an inherited Object.prototype member). */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  const v = obj[key];
  // Cheap path: data values are never functions or Object.prototype, which is all an object can inherit by default.
  if (v === undefined || (typeof v !== 'function' && (v as unknown) !== Object.prototype)) return v;
  return Object.hasOwn(obj, key) ? v : undefined;
}

/** A null-prototype copy of a plain object's own enumerable keys. */
export function toNullRecord<T>(obj: Readonly<Record<string, T>>): Record<string, T> {
  const out = nullRecord<T>();
  for (const k of Object.keys(obj)) out[k] = obj[k];
  return out;
}
