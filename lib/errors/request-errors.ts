import { BadRequestError, DomainError, UnsupportedMediaTypeError } from './domain-errors';

/** 400: an HTTP/1.1 request without exactly one `Host` (RFC 9112 3.2). */
export class MissingHostError extends BadRequestError {
  static readonly code: string = 'INVALID_HOST';
  static override readonly defaultMessage: string =
    'An HTTP/1.1 request must carry exactly one Host header.';
}

/** 400: a `Transfer-Encoding` whose last coding is not `chunked` (RFC 9112 6.3): no body length. */
export class UnframedBodyError extends BadRequestError {
  static readonly code: string = 'INVALID_TRANSFER_ENCODING';
  static override readonly defaultMessage: string =
    'The last transfer coding of a request must be chunked.';
}

/** 414: a path parameter longer than the server accepts (Fastify's `maxParamLength`, on both). */
export class UriTooLongError extends DomainError {
  static readonly code: string = 'URI_TOO_LONG';
  static override readonly defaultMessage: string =
    'A segment of the request path is longer than this server accepts.';
  readonly status: number = 414;
}

/** 415: a `Content-Encoding` the server does not decode; `Accept-Encoding` says what it takes. */
export class UnsupportedContentEncodingError extends UnsupportedMediaTypeError {
  static readonly code: string = 'UNSUPPORTED_CONTENT_ENCODING';
  static override readonly defaultMessage: string =
    'The request body has a content coding this server does not decode. Send it uncompressed.';
  constructor() {
    // RFC 9110 15.5.16: say which codings would have been accepted; none but the identity.
    super(undefined, {}, { headers: { 'Accept-Encoding': 'identity' } });
  }
}

/** 415: a JSON body in a charset other than UTF-8 (RFC 8259 8.1). */
export class UnsupportedCharsetError extends UnsupportedMediaTypeError {
  static readonly code: string = 'UNSUPPORTED_CHARSET';
  static override readonly defaultMessage: string =
    'A JSON request body must be UTF-8. Send charset=utf-8 or no charset.';
}

/** 417: an `Expect` other than `100-continue` (RFC 9110 10.1.1). */
export class ExpectationFailedError extends DomainError {
  static readonly code: string = 'EXPECTATION_FAILED';
  static override readonly defaultMessage: string =
    'The Expect header asks for something this server does not do. Only 100-continue is supported.';
  readonly status: number = 417;
}

/** 501: a transfer coding the server does not implement (RFC 9112 6.1). */
export class TransferCodingNotImplementedError extends DomainError {
  static readonly code: string = 'TRANSFER_CODING_NOT_IMPLEMENTED';
  static override readonly defaultMessage: string =
    'The request uses a transfer coding this server does not implement. Send it chunked only.';
  readonly status: number = 501;
}

/** 505: a request in an HTTP major version other than 1 on an HTTP/1 connection. */
export class HttpVersionNotSupportedError extends DomainError {
  static readonly code: string = 'HTTP_VERSION_NOT_SUPPORTED';
  static override readonly defaultMessage: string = 'This server speaks HTTP/1.0 and HTTP/1.1.';
  readonly status: number = 505;
}
