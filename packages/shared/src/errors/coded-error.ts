/**
 * Base of Orion's error signals: a stable `code` that callers branch on (never the message), and the
 * class's own name in logs and serialised errors. A subclass states its code, and a constructor only
 * when it builds the message from its fields.
 */
export abstract class CodedError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
