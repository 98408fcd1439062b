/** A request the client got wrong; the error handler answers with `status` and the one-line message. */
export class HttpError extends Error {
  override name = 'HttpError';

  /**
   * @param status HTTP status code (4xx)
   * @param message one line, safe to show to the client
   */
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
