import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it; `rawBody` is exactly the bytes on the wire. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** 'never-answer' keeps the request open; 'stall-body' sends 201 headers and part of a body, then nothing. */
export type Reply = { status: number; json?: unknown; text?: string } | 'never-answer' | 'stall-body';

export interface RecordingServer {
  /** http://127.0.0.1:<port> without a trailing slash. */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 and a free port that records every request and answers with `reply`. */
export async function startRecordingServer(reply: (request: RecordedRequest) => Reply): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = reply(recorded);
      if (answer === 'never-answer') return;
      if (answer === 'stall-body') {
        res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '1000' }).write('{"sid":');
        return;
      }
      const body = answer.json === undefined ? (answer.text ?? '') : JSON.stringify(answer.json);
      const type = answer.json === undefined ? 'text/plain' : 'application/json';
      res.writeHead(answer.status, { 'Content-Type': type }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An origin on 127.0.0.1 where nothing listens (a port that was just free). */
export async function closedPortOrigin(): Promise<string> {
  const server = await startRecordingServer(() => ({ status: 200 }));
  await server.close();
  return server.origin;
}
