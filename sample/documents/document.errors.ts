import { NotFoundError } from '../../lib';

/** 404 for a document id that names no document. */
export class DocumentNotFound extends NotFoundError {
  constructor(id: string | number) {
    super(`Document ${id} was not found.`);
  }
}
