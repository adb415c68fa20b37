import { CodedError } from '../errors/coded-error.js';

/** The key names no object in the store. */
export class ObjectNotFoundError extends CodedError {
  readonly code = 'ERR_OBJECT_NOT_FOUND';
  constructor(readonly key: string) {
    super(`Object not found: ${key}`);
  }
}

/** The key is not a safe relative object key (absolute, `..`, empty segments, control characters). */
export class InvalidKeyError extends CodedError {
  readonly code = 'ERR_INVALID_KEY';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** The driver cannot do this (e.g. presigned uploads on the filesystem store). */
export class UnsupportedStorageOperationError extends CodedError {
  readonly code = 'ERR_STORAGE_UNSUPPORTED';
  constructor(driver: string, operation: string) {
    super(`The ${driver} store does not support ${operation}`);
  }
}
