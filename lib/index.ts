// The public API of nestjs-status. Anything not exported here is internal.
export { StatusModule } from './status.module';
export { STATUS_MODULE_OPTIONS } from './status.module-definition';
export { StatusModuleOptions } from './status.options';
export type { AuthChallengeOptions, ErrorMapping } from './status.options';

export {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationFailedError,
} from './errors/domain-errors';
export type { DomainErrorOptions } from './errors/domain-errors';
export type { ErrorDescriptor, FieldProblem } from './errors/error-descriptor';
export { StatusExceptionFilter } from './errors/status-exception.filter';
export { getRequestId } from './errors/request-id';
export { reasonPhrase } from './errors/reason-phrases';

export { StatusValidationPipe } from './validation/status-validation.pipe';
export { StatusInterceptor } from './responses/status.interceptor';

export { Paginated } from './pagination/paginated.decorator';
export { PaginationInterceptor } from './pagination/pagination.interceptor';
export { PageQuery } from './pagination/page-query.dto';
export { CursorQuery } from './pagination/cursor-query.dto';
export { Page, paginate } from './pagination/page';
export type { PageInfo } from './pagination/page';
export { CursorPage, paginateByCursor } from './pagination/cursor-page';
export type { CursorPageInfo, CursorPageOptions } from './pagination/cursor-page';
export { PaginatedResult } from './pagination/paginated-result';
export type { PageLink } from './pagination/paginated-result';
export { decodeCursor, encodeCursor } from './pagination/cursor-codec';
export { DEFAULT_PAGE_LIMITS } from './pagination/page-limits';
export type { PageLimits } from './pagination/page-limits';
