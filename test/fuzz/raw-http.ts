import { connect } from 'node:net';

/** A request written byte for byte: no client library gets to refuse or repair it. */
export interface RawRequest {
  method: string;
  path: string;
  /** Names and values as given, CR/LF and all. */
  headers: [string, string][];
  body?: Buffer;
}

/** What came back on the socket. */
export interface RawResponse {
  status: number;
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/**
 * Sends `request` on a fresh connection (`Connection: close`) and reads the answer until the
 * server closes it. Fails when nothing comes back within `timeoutMs`.
 */
export function sendRaw(
  url: string,
  request: RawRequest,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const head =
    `${request.method} ${request.path} HTTP/1.1\r\n` +
    `Host: ${hostname}:${port}\r\n` +
    'Connection: close\r\n' +
    request.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
    (request.body ? `Content-Length: ${request.body.length}\r\n` : '') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${request.path}`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    // The server may close while the body is still being written (e.g. a 413): keep what it said.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      try {
        resolve(parseResponse(raw, request.method === 'HEAD'));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(Buffer.from(head, 'latin1'));
    if (request.body) socket.write(request.body);
  });
}

/** Parses one HTTP/1.1 response (status line, headers, a Content-Length or chunked body). */
export function parseResponse(raw: Buffer, isHead = false): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`the connection closed without a response (${raw.length} bytes)`);
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!statusLine) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine[1]);
  let body = raw.subarray(end + 4);
  if (isHead || status === 204 || status === 304) body = Buffer.alloc(0);
  else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = unchunk(body);
  else if (headers['content-length'] !== undefined)
    body = body.subarray(0, Number(headers['content-length']));
  return { status, headers, body, text: body.toString('utf8') };
}

function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
