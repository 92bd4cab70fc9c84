import { HttpException } from '@nestjs/common';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors/domain-errors';
import type { DomainErrorOptions } from '../errors/domain-errors';

/** RFC 6750 limits `error_description` to visible ASCII without `"` and `\`. */
function description(message: string): string {
  return message.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/**
 * 401 for credentials that were sent but do not hold (bad signature, unknown token, expired).
 * The filter answers it with `WWW-Authenticate: Bearer realm="api", error="invalid_token",
 * error_description="..."` (RFC 6750 3.1). Throw it from an authenticator.
 *
 * @example
 * throw error instanceof jwt.TokenExpiredError ? InvalidTokenError.expired() : new InvalidTokenError();
 */
export class InvalidTokenError extends UnauthenticatedError {
  constructor(
    message = 'Token is invalid. Please re-authenticate.',
    extras?: Record<string, unknown>,
    options?: DomainErrorOptions,
  ) {
    super(message, extras, options);
    this.challengeParams = { error: 'invalid_token', error_description: description(message) };
  }

  /** The guide's expired token: "Token has expired. Please re-authenticate.", code `TOKEN_EXPIRED`. */
  static expired(message = 'Token has expired. Please re-authenticate.'): InvalidTokenError {
    return new InvalidTokenError(message, {}, { code: 'TOKEN_EXPIRED' });
  }
}

/**
 * A 403 that must not reveal that the resource exists: the filter answers with `notFound`
 * (by default a plain `NotFoundError`), exactly as a missing resource would be answered.
 * Throw it where the service finds a resource the caller may not see.
 *
 * @example
 * if (repo.private && repo.ownerId !== user.id) throw new ResourceHiddenError(new RepoNotFound(id));
 */
export class ResourceHiddenError extends ForbiddenError {
  constructor(
    /** What a missing resource of this kind answers: the client gets exactly this. */
    readonly notFound: unknown = new NotFoundError(),
    /** Why it is hidden, for whoever debugs the server; never sent (the client sees `notFound`). */
    reason = 'The resource is hidden from the caller.',
  ) {
    super(reason);
  }

  /** A filter of the app's own answers what ours does: the hidden resource's not-found. */
  override getStatus(): number {
    return this.shown().getStatus();
  }

  /** The not-found's body, so no filter tells a hidden resource from a missing one. */
  override getResponse(): Record<string, unknown> {
    const body = this.shown().getResponse();
    return typeof body === 'string' ? { statusCode: this.getStatus(), message: body } : { ...body };
  }

  private shown(): HttpException | NotFoundError {
    return this.notFound instanceof HttpException ? this.notFound : new NotFoundError();
  }
}
