import { ConflictError, DomainErrorOptions } from '../errors/domain-errors';

/**
 * 409: the resource would duplicate one that exists; `field` names what collides.
 * Code `DUPLICATE_RESOURCE` (or the subclass's name).
 *
 * @example
 * throw new DuplicateResourceError('email', `A user with email ${email} already exists.`);
 * // 409 { error: "Conflict", message: "A user with email ada@example.com already exists.", field: "email", ... }
 */
export class DuplicateResourceError extends ConflictError {
  constructor(
    readonly field: string,
    message = `A resource with this ${field} already exists.`,
    extras: Record<string, unknown> = {},
    options?: DomainErrorOptions,
  ) {
    super(message, { ...extras, field }, options);
  }
}

/**
 * 409: the resource was modified since the client read it (optimistic locking).
 * `currentVersion` is the current ETag without its quotes (`v5`), or `null` when the resource
 * does not exist. Code `VERSION_MISMATCH`.
 *
 * @example
 * throw new VersionMismatchError('v5');
 * // 409 { message: "Resource was modified. Current version is v5.", currentVersion: "v5", ... }
 */
export class VersionMismatchError extends ConflictError {
  constructor(
    readonly currentVersion: string | null,
    message = currentVersion === null
      ? 'Resource does not exist, so it cannot match If-Match.'
      : `Resource was modified. Current version is ${currentVersion}.`,
    extras: Record<string, unknown> = {},
    options?: DomainErrorOptions,
  ) {
    super(message, { ...extras, currentVersion }, options);
  }
}

/** The states of a refused transition. */
export interface StateTransition {
  /** The state the resource is in. */
  from: string;
  /** The state the request asked for. */
  to: string;
  /** The states the resource may go to from `from`, when worth telling. */
  allowed?: string[];
}

/**
 * 409: a state machine refuses the transition (an order that has shipped cannot be cancelled).
 * The body carries `from`, `to` and, when given, `allowed`. Code `INVALID_STATE_TRANSITION`.
 *
 * @example
 * throw new InvalidStateTransitionError(
 *   { from: 'shipped', to: 'cancelled' },
 *   'Order 1 cannot be cancelled because it has already been shipped.',
 * );
 */
export class InvalidStateTransitionError extends ConflictError {
  readonly from: string;
  readonly to: string;
  readonly allowed?: string[];

  constructor(
    transition: StateTransition,
    message = `Cannot go from ${transition.from} to ${transition.to}.`,
    extras: Record<string, unknown> = {},
    options?: DomainErrorOptions,
  ) {
    const { from, to, allowed } = transition;
    super(message, { ...extras, from, to, ...(allowed ? { allowed } : {}) }, options);
    this.from = from;
    this.to = to;
    this.allowed = allowed;
  }
}
