/** The success statuses a handler can choose per request with a helper. */
export type HelperStatus = 201 | 202 | 204;

/**
 * What a helper returns: the status a handler chose for this request, over its route's default
 * (`@Created`, `@NoContent`, `@Async`). Read its fields in a unit test that calls the method
 * directly; over HTTP the reply sends `status` with `body` (none for 204) and `location`.
 */
export class StatusResult<T = unknown> {
  constructor(
    /** The status answered. */
    readonly status: HelperStatus,
    /** The body sent (the job's input for 202); `undefined` for none. */
    readonly body: T,
    /** The `Location` of a 201; by default the route's `@Created` rule or the request path + `id`. */
    readonly location?: string,
  ) {}
}

/**
 * 201 Created + `Location` for this request, whatever the route's default: an upsert that made a
 * new resource. `location` overrides the one built from the route's `@Created` rule or the
 * request path (for a PUT) or path + the entity's `id`.
 *
 * @example
 * @Put(':id')
 * upsert(@Param('id') id: string, @Body() dto: DocumentDto) {
 *   const { document, isNew } = this.documents.upsert(id, dto);
 *   return isNew ? created(document) : document; // 201 + Location, or 200
 * }
 */
export function created<T>(entity: T, location?: string): StatusResult<T> {
  return new StatusResult(201, entity, location);
}

/**
 * 204 No Content for this request, whatever the route's default (e.g. an `@Created` route that
 * found nothing to create, or an `@Async` route with nothing to do).
 *
 * @example
 * @Post()
 * @Created()
 * create(@Body() dto: TagDto) {
 *   return this.tags.has(dto.name) ? noContent() : this.tags.add(dto.name);
 * }
 */
export function noContent(): StatusResult<undefined> {
  return new StatusResult(204, undefined);
}

/**
 * 202 Accepted: the job `input` goes on the route's `@Async(queue)` queue. The explicit form of
 * what an `@Async` route's plain return value does, for handlers that choose between answers;
 * only an `@Async` route can accept (its decorator names the queue and the status monitor).
 *
 * @example
 * @Post()
 * @Async('reports')
 * create(@Body() dto: ReportDto) {
 *   const ready = this.reports.find(dto);
 *   return ready ? created(ready, `/api/reports/${ready.id}`) : accepted(dto);
 * }
 */
export function accepted<T>(input: T): StatusResult<T> {
  return new StatusResult(202, input);
}

/** Why `accepted()` cannot answer from a route without `@Async`, and what to do. */
export function acceptedOutsideAsync(route = 'a route'): TypeError {
  return new TypeError(
    `accepted() was returned from ${route} without @Async(queue): only an @Async route adds the ` +
      `job it accepts. Put @Async('<queue>') on the route, or return another answer.`,
  );
}
