import { connect, Socket } from 'node:net';

/** A plain TCP connection speaking HTTP/1.1 by hand: kept open, idle or half-sent at will. */
export class RawConnection {
  private buffer = '';
  private wake: () => void = () => undefined;
  private isClosed = false;
  /** `Date.now()` when the server closed the connection. */
  readonly closedAt: Promise<number>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on('error', () => undefined); // a destroyed connection may be reset: it closes all the same
    this.closedAt = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve(Date.now());
      }),
    );
  }

  static open(url: string): Promise<RawConnection> {
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** What the server sent that no `response()` took. */
  get unread(): string {
    return this.buffer;
  }

  /** The next whole response (every one here has a `Content-Length`). */
  async response(): Promise<{ status: number; headers: Record<string, string>; body: any }> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end !== -1) {
        const [statusLine, ...lines] = this.buffer.slice(0, end).split('\r\n');
        const headers = Object.fromEntries(
          lines.map((line) => [
            line.slice(0, line.indexOf(':')).toLowerCase(),
            line.slice(line.indexOf(':') + 1).trim(),
          ]),
        );
        const length = Number(headers['content-length']);
        if (this.buffer.length >= end + 4 + length) {
          const text = this.buffer.slice(end + 4, end + 4 + length);
          this.buffer = this.buffer.slice(end + 4 + length);
          return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(text) };
        }
      }
      if (this.isClosed) throw new Error(`closed before a whole response: ${this.buffer}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
