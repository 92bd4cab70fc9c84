import { Reflector } from '@nestjs/core';

import type { LocationBuilder } from '../platform/location';

export type { LocationBuilder };

/** How a route's success is shaped; set by `@Created`, `@NoContent` and `@DeleteMissing`. */
export interface SuccessRule {
  created?: { location?: string | LocationBuilder; absolute?: boolean };
  noContent?: true;
  deleteMissing?: 404 | 204;
}

/**
 * Internal metadata decorator behind the public ones; read with
 * `reflector.getAllAndOverride(SuccessRuleMetadata, [handler, class])`.
 */
export const SuccessRuleMetadata = Reflector.createDecorator<SuccessRule>();
