/** Switching user or checking capabilities failed; the message is one line. */
export class PrivilegeError extends Error {
  override name = 'PrivilegeError';
}
