import { CodedError } from '../errors/coded-error.js';

/** The file is not a usable video; the message says why, in words a user can act on. */
export class InvalidMediaError extends CodedError {
  readonly code = 'ERR_INVALID_MEDIA';
}
