import pino, { type Logger } from 'pino';

/**
 * The service log (JSON lines on stdout). Paths that could carry secrets are redacted even if someone logs
 * a whole request or body by mistake; flow ids in URLs are masked by the request serializer.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'res.headers["set-cookie"]',
          '*.password',
          '*.code',
          '*.token',
          '*.flowId',
          'body',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A request URL safe to log: flow ids (bearer secrets) are replaced, query strings dropped. */
export function loggableUrl(url: string): string {
  return url.split('?')[0]!.replace(/(\/api\/v1\/reset\/)[^/]+/, '$1:flow');
}
