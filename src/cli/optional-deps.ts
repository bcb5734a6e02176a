import { ConfigError } from '../util/errors.js';

/**
 * Loads a module that needs an optional peer dependency (bullmq + ioredis for distributed runs); when the package is
 * missing, one line with the install command instead of Node's ERR_MODULE_NOT_FOUND.
 */
export async function withOptionalDeps<T>(what: string, packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing =
      (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && packages.find((p) => String((e as Error).message).includes(`'${p}'`));
    if (missing)
      throw new ConfigError(`${what} needs ${packages.join(' and ')}, which are optional: npm install ${packages.join(' ')}`, { cause: e });
    throw e;
  }
}

export const DISTRIBUTED_DEPS = ['bullmq', 'ioredis'] as const;
