import { ServiceUnavailableError } from '../errors/domain-errors';

/** 503 `SHUTTING_DOWN`: the instance is closing; the request did nothing and may be sent again. */
export class ShuttingDownError extends ServiceUnavailableError {
  static readonly code: string = 'SHUTTING_DOWN';
  static override readonly defaultMessage: string =
    'This server is shutting down and takes no new requests. Send the request again.';
}
