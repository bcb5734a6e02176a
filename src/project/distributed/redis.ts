import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigError } from '../../util/errors.js';

/** Connection settings parsed from `redis://[user:pass@]host[:port][/db]`. */
export interface RedisTarget {
  url: string;
  /** The URL with any password masked, for messages. */
  shown: string;
  options: RedisOptions;
}

/** Parses a Redis URL (redis:// or rediss://); the error names the option and the URL. */
export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`queue URL ${JSON.stringify(url)} is not a URL; expected redis://host:6379/0`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new ConfigError(`queue URL ${url}: expected redis:// or rediss://, got ${u.protocol}`);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new ConfigError(`queue URL ${url}: the database after the host must be a number, got "${u.pathname.slice(1)}"`);
  const shownUrl = new URL(url);
  if (shownUrl.password) shownUrl.password = '***';
  return {
    url,
    shown: shownUrl.toString(),
    options: {
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : 6379,
      db,
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      tls: u.protocol === 'rediss:' ? {} : undefined,
      // Fail in seconds, never hang: a short connect timeout, and BullMQ's own connections retry a bounded number of times.
      connectTimeout: 3000,
    },
  };
}

/** BullMQ connection options: its blocking connections need maxRetriesPerRequest null. */
export function bullConnection(target: RedisTarget): ConnectionOptions {
  const { host, port, db, username, password, tls, connectTimeout } = target.options;
  return {
    host,
    port,
    db,
    username,
    password,
    tls,
    connectTimeout,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/** Checks that Redis answers a PING within `timeoutMs`; else a ConfigError naming the URL. */
export async function pingRedis(target: RedisTarget, timeoutMs = 3000): Promise<void> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
  });
  client.on('error', () => {}); // reported below through the rejected promise
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      timeout,
    ]);
  } catch (e) {
    throw new ConfigError(`cannot reach Redis at ${target.shown}: ${(e as Error).message || String(e)}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
