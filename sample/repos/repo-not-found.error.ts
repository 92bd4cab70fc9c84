import { NotFoundError } from '../../lib';

/**
 * 404 for a repository the caller cannot see, whether it is missing or someone else's private
 * one. The message names no id: both answers must be the same, byte for byte.
 */
export class RepoNotFound extends NotFoundError {
  constructor() {
    super('Repository not found.');
  }
}
