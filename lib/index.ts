// The public API of nestjs-status (`nestjs-status`). Anything not exported here or from a subpath
// entry (`nestjs-status/jobs`, `/pagination`, `/rate-limit`, `/redis`) is internal. Nothing here
// may reach an optional peer's types: an app without ioredis, bullmq or @nestjs/throttler
// compiles with `skipLibCheck: false`.

/**
 * The module: `StatusModule.forRoot()` in the root module registers the exception filter, the
 * validation pipe and the guards app-wide. `StatusModuleOptions` documents every option and its
 * default, one class per concern; `@InjectStatusOptions()` gives them resolved and frozen.
 */
export { StatusModule } from './status.module';
export { InjectStatusOptions } from './options/options.token';
export type {
  StatusModuleOptions,
  AuthChallengeOptions,
  ConditionalOptions,
  ErrorMapping,
  ErrorsOptions,
  LimitsOptions,
  PaginationOptions,
  RequestIdOptions,
  ResolvedStatusOptions,
  SuccessOptions,
  ValidationOptions,
} from './options/status-options';
export type { BodyLimits } from './validation/body-limits';
export type { EtagHash } from './conditional/body-hash';
export type { LocationBuilder } from './responses/success-rules';
export type { ShutdownOptions } from './options/shutdown.options';

/**
 * Errors: the filter that answers every error in the envelope (or RFC 9457), Fastify's own
 * framework errors in the same envelope, and the request id every answer carries.
 */
export { StatusExceptionFilter } from './errors/status-exception.filter';
export { statusFrameworkErrors } from './platform/fastify-framework-errors';
export { getRequestId } from './platform/request-id';
export type { ErrorDescriptor, FieldProblem } from './errors/error-descriptor';

/**
 * Domain errors: throw them from services; each carries its status, so the service never thinks
 * about HTTP. Extend one for an error of your own (`class EmailTaken extends ConflictError`).
 */
export {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
} from './errors/domain-errors';
export type { DomainErrorOptions } from './errors/domain-errors';

/** Validation: 400 for input that cannot be read, 422 naming each field that breaks a rule. */
export { StatusValidationPipe } from './validation/status-validation.pipe';

/**
 * Successes: a decorator declares a route's status, a returned helper overrides it per request:
 * `@Created()` / `created()` for 201, `@NoContent()` / `noContent()` for 204, `@Async()` /
 * `accepted()` for 202; `@DeleteMissing()` for a DELETE of nothing. A helper's `StatusResult`
 * shows its choice to a unit test; `routeStatus()` (`nestjs-status/testing`) shows the route's.
 */
export { Created, DeleteMissing, NoContent } from './responses/created.decorator';
export { accepted, created, noContent } from './platform/status-result';
export type { HelperStatus, StatusResult } from './platform/status-result';

/**
 * Conditional requests and conflicts: `ETag` / `Last-Modified`, 304, `If-Match` locking, and the
 * 409s a write can meet.
 */
export { ETag } from './conditional/etag.decorator';
export type { VersionOf } from './conditional/etag.decorator';
export { LastModified } from './conditional/last-modified.decorator';
export { CurrentVersion } from './conditional/current-version.decorator';
export type {
  CurrentVersionOptions,
  CurrentVersionResolver,
  CurrentVersionSource,
} from './conditional/current-version.decorator';
export {
  DuplicateResourceError,
  InvalidStateTransitionError,
  VersionMismatchError,
} from './conditional/conflict-errors';
export type { StateTransition } from './conditional/conflict-errors';

/**
 * Accepted work: `@Async(queue)` answers 202 with a status monitor. The processor, the monitor's
 * `@JobStatus()`, `JobRunner` and the job errors are in `nestjs-status/jobs`.
 */
export { Async } from './jobs/async.decorator';
export type { AsyncOptions } from './jobs/job-rules';

/**
 * Authentication and authorization: 401 before 403 before a hidden 404, never 403 to an
 * anonymous caller. The decorators bind the guard; an authenticator says who the caller is.
 */
export { Authenticated, Authorize, Public, Roles } from './auth/access.decorators';
export type { PermissionPredicate } from './auth/access.decorators';
export { HideForbidden } from './auth/hide-forbidden.decorator';
export { CurrentUser } from './auth/current-user.decorator';
export { InvalidTokenError, ResourceHiddenError } from './auth/auth.errors';
export { bearerToken } from './auth/bearer-token';
export type {
  AuthenticateFunction,
  Authenticator,
  AuthenticatorOption,
  AuthOptions,
} from './options/auth.options';
export type { NotFoundFactory } from './auth/auth-state';
