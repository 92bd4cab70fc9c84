import { HttpException } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  ResourceHiddenError,
  TooManyRequestsError,
  ValidationFailedError,
} from '../../lib';
import { InvalidTokenError } from '../../lib/auth/auth.errors';
import { JobsUnavailableError } from '../../lib/jobs/job-errors';

class EmailTaken extends ConflictError {
  constructor(email: string) {
    super(`A user with email ${email} already exists.`, { field: 'email' });
  }
}

describe('domain errors seen as Nest HttpExceptions', () => {
  it('are HttpExceptions with their own status and a body in Nest’s shape', () => {
    const error = new EmailTaken('ada@example.com');
    expect(error).toBeInstanceOf(HttpException);
    expect(error.getStatus()).toBe(409);
    expect(error.getResponse()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'A user with email ada@example.com already exists.',
      errorCode: 'EMAIL_TAKEN',
      field: 'email',
    });
    expect(error.errorCode).toBe('EMAIL_TAKEN');
    expect(error.name).toBe('EmailTaken');
    expect(error.message).toBe('A user with email ada@example.com already exists.');
  });

  it('carry details, extras that cannot replace Nest’s members, and no stack frames', () => {
    const details = [
      { field: 'email', message: 'Must be a valid email address.', code: 'IS_EMAIL' },
    ];
    const invalid = new ValidationFailedError(details, undefined, { statusCode: 200, plan: 'pro' });
    expect(invalid.getResponse()).toEqual({
      statusCode: 422,
      error: 'Unprocessable Content',
      message: 'Validation Failed: email.',
      errorCode: 'VALIDATION_FAILED',
      details,
      plan: 'pro',
    });
    expect(new TooManyRequestsError(3).getResponse()).toMatchObject({
      statusCode: 429,
      retryAfter: 3,
    });
    expect(invalid.stack).not.toMatch(/\n\s+at /);
  });

  it('keep a cause, never in the body', () => {
    const cause = new Error('ECONNREFUSED 10.0.0.5:6379');
    const error = new JobsUnavailableError(2, cause);
    expect(error.cause).toBe(cause);
    expect(error.getStatus()).toBe(503);
    expect(JSON.stringify(error.getResponse())).not.toContain('ECONNREFUSED');
    expect(new NotFoundError().cause).toBeUndefined();
  });

  it('a 401 and a hidden resource answer as our filter would', () => {
    expect(InvalidTokenError.expired().getResponse()).toMatchObject({
      statusCode: 401,
      errorCode: 'TOKEN_EXPIRED',
    });
    const hidden = new ResourceHiddenError(new NotFoundError('Repo 7 was not found.'));
    expect(hidden.getStatus()).toBe(404);
    expect(hidden.getResponse()).toEqual(new NotFoundError('Repo 7 was not found.').getResponse());
    expect(new ResourceHiddenError({ not: 'an exception' }).getStatus()).toBe(404);
  });
});
