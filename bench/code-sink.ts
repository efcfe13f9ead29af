import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CodeSink {
  /** `smtp://127.0.0.1:PORT`, for the server under test. */
  url: string;
  /** Messages received so far. */
  readonly received: number;
  /** The code of the next message to `to` (a code is read from "code is: NNNNNN"). */
  next(to: string): Promise<string>;
  close(): Promise<void>;
}

/** An SMTP sink on a free loopback port that hands each code to whoever waits for its recipient, and counts the messages. */
export async function codeSink(): Promise<CodeSink> {
  const waiting = new Map<string, (code: string) => void>();
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('latin1')));
      stream.on('end', () => {
        received++;
        const code = /code is: (\d{6,10})/.exec(raw)?.[1];
        if (code) waiting.get(session.envelope.rcptTo[0]?.address ?? '')?.(code);
        callback();
      });
    },
  });
  // A client that drops its connection mid-transaction is an 'error' event: it must not end the sink.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    get received() {
      return received;
    },
    next: (to) => new Promise<string>((resolve) => waiting.set(to, resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
