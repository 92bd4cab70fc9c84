import { Reflector } from '@nestjs/core';
import type { PageLimits } from './page-limits';

/** Internal: the limits `@Paginated()` was given, read by the interceptor (handler over class). */
export const PaginatedRoute = Reflector.createDecorator<PageLimits>();
