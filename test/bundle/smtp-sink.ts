/**
 * A throwaway SMTP server on 127.0.0.1 that keeps every message it receives,
 * parsed, for the alert-email tests. No TLS, no auth required (the shipped
 * Alertmanager config is pointed at it with smtp_require_tls: false).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from '../support/wait-for.js';

/** A running sink. */
export interface SmtpSink {
  port: number;
  /** Messages received so far, oldest first. */
  messages: ParsedMail[];
  /** Resolves with the first message (received so far or later) matching `pred`. */
  waitForMessage(pred: (m: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  stop(): Promise<void>;
}

/** Starts a sink on a free port of 127.0.0.1. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  const port = await new Promise<number>((res, rej) => {
    server.on('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.server.address();
      if (addr === null || typeof addr === 'string') rej(new Error('no address'));
      else res(addr.port);
    });
  });
  return {
    port,
    messages,
    waitForMessage(pred, timeoutMs = 30_000) {
      return waitFor(() => messages.find(pred), { timeoutMs, intervalMs: 100, what: 'an email' });
    },
    stop: () => new Promise<void>((res) => server.close(() => res())),
  };
}
