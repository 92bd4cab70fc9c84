import { RequestSlot } from '../platform/request-state';
import type { SuccessRule } from './success-rules';

/** What a `@Created` route's handler produced, kept on the request for the reply's success step. */
export interface Creation {
  rule: NonNullable<SuccessRule['created']>;
  /** The handler's own result, before any interceptor transformed it. */
  entity: unknown;
}

/**
 * Written by the route's `StatusInterceptor` (its innermost interceptor) when a `@Created`
 * handler returns; read by the success step, which builds the `Location` from the entity once
 * the answer is a success: the `Location` is the entity's, whatever the body becomes.
 */
export const CREATION = new RequestSlot<Creation>('creation');
