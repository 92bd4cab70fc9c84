import { ConflictError, NotFoundError } from '../../lib';
import { notFoundMessage } from '../ids/not-found-message';

/** 404 for a report id that names no report (the id is echoed only when it is a plain token). */
export class ReportNotFound extends NotFoundError {
  constructor(id: string) {
    super(notFoundMessage('report', id, 'token'));
  }
}

/**
 * Why a report job fails (found only while generating it): the books of the year are still
 * open (an annual report of this year, or any report of a later one). The job's status then
 * shows this error's body, code `BOOKS_NOT_CLOSED`.
 */
export class BooksNotClosed extends ConflictError {
  constructor(type: string, year: number) {
    super(`The books for ${year} are not closed yet, so its ${type} report cannot be made.`, {
      year,
    });
  }
}
