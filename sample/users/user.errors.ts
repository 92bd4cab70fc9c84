import { ConflictError, NotFoundError } from '../../lib';

/** 409 with the guide's body: `{ message, field: "email" }`. */
export class EmailTaken extends ConflictError {
  constructor(email: string) {
    super(`A user with email ${email} already exists.`, { field: 'email' });
  }
}

/** 404 for a user id that names no user. */
export class UserNotFound extends NotFoundError {
  constructor(id: string | number) {
    super(`User ${id} was not found.`);
  }
}
