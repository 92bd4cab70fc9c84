/**
 * What a handler returns to say "I created this" on a route that may also update (upsert):
 * `created(entity)` answers 201 + `Location`, a plain `entity` answers 200.
 *
 * @example
 * @Put(':id')
 * upsert(@Param('id') id: string, @Body() dto: DocumentDto) {
 *   const { document, isNew } = this.documents.upsert(id, dto);
 *   return isNew ? created(document) : document;
 * }
 */
export function created<T>(entity: T, location?: string): CreatedResult<T> {
  return new CreatedResult(entity, location);
}

/** The result of `created()`; the reply shaper unwraps it. */
export class CreatedResult<T = unknown> {
  constructor(
    /** The new resource, sent as the body. */
    readonly entity: T,
    /** Its URL; by default from the route's `@Created` rule or the request path + `id`. */
    readonly location?: string,
  ) {}
}
