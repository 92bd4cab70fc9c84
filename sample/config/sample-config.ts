/** The sample's settings, from the environment (`npm start` reads them; each has a default). */
export interface SampleConfig {
  port: number;
  host: string;
  adapter: 'express' | 'fastify';
  databasePath: string;
  errorFormat: 'envelope' | 'problem';
  jwtSecret: string;
  /** True when JWT_SECRET was not set and the development secret is in use. */
  jwtSecretIsDefault: boolean;
  rateLimit: number;
  /** Seconds. */
  rateLimitWindow: number;
  reportDelayMs: number;
  /** How long a report job may wait to start (ms) before `POST /api/reports` answers 503. */
  jobStartWithinMs: number;
  /** BullMQ lock of a running job (ms), also its stalled-check interval. */
  jobLockMs: number;
  redisUrl?: string;
}

export const DEVELOPMENT_JWT_SECRET = 'nestjs-status-sample-development-secret';

/** Reads the environment; a value that makes no sense stops the start with a message saying which. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SampleConfig {
  const jwtSecret = env.JWT_SECRET;
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    adapter: oneOf(env, 'ADAPTER', ['express', 'fastify'] as const, 'express'),
    databasePath: env.DATABASE_PATH || ':memory:',
    errorFormat: oneOf(env, 'ERROR_FORMAT', ['envelope', 'problem'] as const, 'envelope'),
    jwtSecret: jwtSecret || DEVELOPMENT_JWT_SECRET,
    jwtSecretIsDefault: !jwtSecret,
    rateLimit: integer(env, 'RATE_LIMIT', 100, 1, 1_000_000_000),
    rateLimitWindow: integer(env, 'RATE_LIMIT_WINDOW', 60, 1, 86_400 * 365),
    reportDelayMs: integer(env, 'REPORT_DELAY_MS', 1000, 0, 86_400_000),
    jobStartWithinMs: integer(env, 'JOB_START_WITHIN_MS', 30_000, 1, 86_400_000),
    jobLockMs: integer(env, 'JOB_LOCK_MS', 30_000, 100, 86_400_000),
    redisUrl: env.REDIS_URL || undefined,
  };
}

/** The defaults, with some values replaced: for tests and scripts. */
export function configWith(overrides: Partial<SampleConfig> = {}): SampleConfig {
  return { ...loadConfig({}), ...overrides };
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}; got "${raw}".`);
  }
  return raw as T;
}
