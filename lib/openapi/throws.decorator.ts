import { Reflector } from '@nestjs/core';
import type { DomainError } from '../errors/domain-errors';

/** A domain error class a handler may throw: `EmailTaken`, `OrderNotCancellable`. */
export type ThrownError = abstract new (...args: any[]) => DomainError;

/** Internal: the error classes `@Throws()` lists, read by the OpenAPI builder. */
export const ThrowsMetadata = Reflector.createDecorator<ThrownError[]>();

/** Internal: the `Location` template `@MayCreate()` gives, read by the OpenAPI builder. */
export const MayCreateMetadata = Reflector.createDecorator<{ location?: string }>();

/**
 * Lists the domain errors a handler (or every handler of a controller) may throw, so that its
 * OpenAPI operation documents their status, `code` and extra members. It changes nothing at run
 * time: the exception filter answers them whether or not they are listed. Errors the library
 * raises itself (validation, auth, preconditions, rate limits, jobs) need no listing.
 *
 * @example
 * @Post()
 * @Created()
 * @Throws(EmailTaken) // 409 EMAIL_TAKEN with `field`
 * create(@Body() dto: UserDto) { ... }
 */
export function Throws(...errors: ThrownError[]): MethodDecorator & ClassDecorator {
  return ThrowsMetadata(errors);
}

/**
 * Documents that a write may answer 201 + `Location` through `created()` (an upsert PUT) besides
 * its usual success. Like `@Throws`, it changes nothing at run time.
 *
 * @example
 * @Put(':id')
 * @MayCreate()
 * upsert(@Param('id') id: string, @Body() dto: DocumentDto) { return isNew ? created(doc) : doc; }
 */
export function MayCreate(location?: string): MethodDecorator & ClassDecorator {
  return MayCreateMetadata({ location });
}
