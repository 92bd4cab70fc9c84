import { NotFoundError } from '../../lib';
import { notFoundMessage } from '../ids/not-found-message';

/** 404 for a document id that names no document (the id is echoed only when it is a plain one). */
export class DocumentNotFound extends NotFoundError {
  constructor(id: string | number) {
    super(notFoundMessage('document', id));
  }
}
