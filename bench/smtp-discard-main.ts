/**
 * An SMTP server that accepts every message and discards it, as its own process: `node smtp-discard-main.js PORT`.
 * The side-by-side kit points sspr's change runs at an SMTP port; with nothing listening there, every change's
 * notice fails and is retried for minutes, and those retries are charged to later changes. This peer answers
 * like a mail relay and costs as little CPU as one can.
 */
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: smtp-discard-main.js PORT');
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('end', () => callback());
    stream.resume();
  },
});
// A client that drops its connection mid-transaction is an 'error' event: it must not end the sink.
server.on('error', () => undefined);
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
