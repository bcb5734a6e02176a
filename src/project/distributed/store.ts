import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../../data/atomic.js';
import { ConfigError } from '../../util/errors.js';

/**
 * Where shard outputs live, seen alike by the coordinator and every worker. Keys are relative paths with '/'
 * (`seg/<key>.bin`). `put` is atomic: a reader sees the whole value or nothing, so a worker killed mid-write leaves
 * no partial shard. A shared directory implements it now; an object store (put-if-absent, get, head, list) can follow.
 */
export interface ShardStore {
  /** A description for messages (the directory, the bucket URL). */
  readonly location: string;
  put(key: string, data: Uint8Array | string): void;
  /** The value, or undefined when the key is absent. */
  get(key: string): Uint8Array | undefined;
  exists(key: string): boolean;
  /** Keys under a prefix (`seg/`), sorted. */
  list(prefix: string): string[];
}

/** A ShardStore on a directory every machine mounts (NFS, a shared disk); writes are temp file + rename. */
export class DirectoryStore implements ShardStore {
  readonly location: string;
  constructor(dir: string) {
    this.location = resolve(dir);
  }

  private path(key: string): string {
    if (key.startsWith('/') || key.split('/').includes('..')) throw new ConfigError(`store key ${JSON.stringify(key)} must be a relative path`);
    return join(this.location, ...key.split('/'));
  }

  put(key: string, data: Uint8Array | string): void {
    const p = this.path(key);
    mkdirSync(dirname(p), { recursive: true });
    writeFileAtomic(p, data);
  }

  get(key: string): Uint8Array | undefined {
    try {
      return readFileSync(this.path(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  exists(key: string): boolean {
    return existsSync(this.path(key));
  }

  list(prefix: string): string[] {
    const dir = this.path(prefix.replace(/\/$/, '') || '.');
    if (!existsSync(dir)) return [];
    const rel = prefix.replace(/\/$/, '');
    return readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .map((f) => (rel ? `${rel}/${f}` : f).split(sep).join('/'))
      .sort();
  }
}
