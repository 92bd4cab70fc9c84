import { IncomingMessage, request as httpRequest } from 'node:http';

/** A response read to its end, its body parsed as JSON. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** Reads a whole response. */
function answerOf(res: IncomingMessage): Promise<Answer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      resolve({ status: res.statusCode!, body: JSON.parse(text), text });
    });
  });
}

/**
 * POSTs `json` on a connection of its own: `sent` resolves once all of it is handed to the
 * operating system, `answer` once the whole response has arrived.
 */
export function postOwnConnection(
  url: string,
  path: string,
  json: string,
): { sent: Promise<void>; answer: Promise<Answer> } {
  let sent!: Promise<void>;
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) },
    });
    req.on('response', (res) => void answerOf(res).then(resolve));
    req.on('error', reject);
    sent = new Promise((done) => req.end(json, done));
  });
  return { sent, answer };
}

/** A GET on a connection of its own. */
export function getOwnConnection(url: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpRequest(`${url}${path}`, { agent: false }, (res) => void answerOf(res).then(resolve))
      .on('error', reject)
      .end();
  });
}

/** The most keys of any object class-transformer was handed in `calls` (a `plainToInstance` spy's). */
export function widestObject(calls: readonly unknown[][]): number {
  let widest = 0;
  for (const [, plain] of calls) {
    if (plain !== null && typeof plain === 'object') {
      widest = Math.max(widest, Object.keys(plain).length);
    }
  }
  return widest;
}
