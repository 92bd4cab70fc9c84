import { Reflector } from '@nestjs/core';

/**
 * Sets `Last-Modified` from what the handler returned (a `Date`, epoch milliseconds or an ISO
 * string), so `If-Modified-Since` can answer 304 and `If-Unmodified-Since` can guard writes.
 * On a class, it applies to every route of the controller.
 *
 * @example
 * @Get(':id')
 * @LastModified((doc: Document) => doc.updatedAt)
 * find(@Param('id') id: string) { ... }
 */
export const LastModified = Reflector.createDecorator<(entity: any) => unknown>();
