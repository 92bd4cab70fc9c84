import { ConflictError, NotFoundError } from '../../lib';
import { notFoundMessage } from '../ids/not-found-message';

/** 409 with the guide's body: `{ message, field: "email" }`. */
export class EmailTaken extends ConflictError {
  constructor(email: string) {
    super(`A user with email ${email} already exists.`, { field: 'email' });
  }
}

/** 404 for a user id that names no user (the id is echoed only when it is a plain one). */
export class UserNotFound extends NotFoundError {
  constructor(id: string | number) {
    super(notFoundMessage('user', id));
  }
}
