/** A problem in a deployment file, naming the file and (when known) the resource and field. */
export class InfraError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'InfraError';
  }
}
