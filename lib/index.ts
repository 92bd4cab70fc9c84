// The public API of nestjs-status. Anything not exported here is internal.
export { StatusModule } from './status.module';
export { STATUS_MODULE_OPTIONS } from './status.module-definition';
export { StatusModuleOptions } from './options/status-options';
export type { AuthChallengeOptions, ErrorMapping } from './options/status-options';

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
export type { ErrorDescriptor, FieldProblem } from './errors/error-descriptor';
export { StatusExceptionFilter } from './errors/status-exception.filter';
export { statusFrameworkErrors } from './platform/fastify-framework-errors';
export { getRequestId } from './platform/request-id';
export { reasonPhrase } from './errors/reason-phrases';

export { StatusValidationPipe } from './validation/status-validation.pipe';
export { BodyTooComplexError, QueryTooComplexError } from './validation/body-limit.errors';
export type { BodyLimits } from './validation/body-limits';
export { StatusInterceptor } from './responses/status.interceptor';
export { Created, DeleteMissing, NoContent } from './responses/created.decorator';
export { created, CreatedResult } from './platform/created-result';
export type { LocationBuilder } from './responses/success-rules';

export { ETagInterceptor } from './conditional/etag.interceptor';
export { ETag } from './conditional/etag.decorator';
export type { EtagHash } from './conditional/body-hash';
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

export { Async } from './jobs/async.decorator';
export { JobStatus } from './jobs/job-status.decorator';
export { Processor } from './jobs/processor.decorator';
export type { ProcessorOptions } from './jobs/processor.decorator';
export type { AsyncOptions, JobStatusOptions } from './jobs/job-rules';
export { JobRunner } from './jobs/job-runner';
export type { EnqueueOptions } from './jobs/job-runner';
export type { JobContext, JobProcessor } from './jobs/job-context';
export type { JobRecord, JobState } from './jobs/job-record';
export { JobsOptions } from './options/jobs.options';
export type { RedisConnection } from './options/jobs.options';
export {
  JobInterruptedError,
  JobNotFoundError,
  JobsBusyError,
  JobsUnavailableError,
  JobTimeoutError,
} from './jobs/job-errors';

export { Authenticated, Authorize, Public, Roles } from './auth/access.decorators';
export type { PermissionPredicate } from './auth/access.decorators';
export { HideForbidden } from './auth/hide-forbidden.decorator';
export { CurrentUser } from './auth/current-user.decorator';
export { InvalidTokenError, ResourceHiddenError } from './auth/auth.errors';
export { bearerToken, hasCredentials } from './auth/bearer-token';
export { StatusAuthGuard } from './auth/status-auth.guard';
export type {
  AuthenticateFunction,
  Authenticator,
  AuthenticatorOption,
  AuthOptions,
} from './options/auth.options';
export type { NotFoundFactory } from './auth/auth-state';

export { RedisThrottlerStorage } from './rate-limit/redis-throttler.storage';
export type { RedisThrottlerStorageOptions } from './rate-limit/redis-throttler.storage';
export type { RateLimitOptions } from './options/rate-limit.options';
export { UnmatchedRequests } from './rate-limit/rate-limit-door';
export { Paginated } from './pagination/paginated.decorator';
export { PaginationInterceptor } from './pagination/pagination.interceptor';
export { PageQuery } from './pagination/page-query.dto';
export { CursorQuery } from './pagination/cursor-query.dto';
export { Page, pageOffset, paginate } from './pagination/page';
export type { PageInfo } from './pagination/page';
export { CursorPage, paginateByCursor } from './pagination/cursor-page';
export type { CursorPageInfo, CursorPageOptions } from './pagination/cursor-page';
export { PaginatedResult } from './pagination/paginated-result';
export type { PageLink } from './pagination/paginated-result';
export { decodeCursor, encodeCursor } from './pagination/cursor-codec';
export { DEFAULT_PAGE_LIMITS } from './pagination/page-limits';
export type { PageLimits } from './pagination/page-limits';

export { ShutdownOptions } from './options/shutdown.options';
export { ShuttingDownError } from './shutdown/shutting-down.error';
