/** A DETECT_CLASSES entry that is not a label of the detector. */
export class UnknownClassError extends Error {
  readonly code = 'ERR_UNKNOWN_CLASS';
  constructor(unknown: string[], labels: string[]) {
    super(
      `DETECT_CLASSES names ${unknown.map((u) => JSON.stringify(u)).join(', ')}, not a label of the detector (labels: ${labels.join(', ')})`,
    );
    this.name = 'UnknownClassError';
  }
}

/** allowed[c] = 1 for the listed labels (case-insensitive); undefined when no filter is set. */
export function classFilter(classes: string[] | undefined, labels: string[]): Uint8Array | undefined {
  if (!classes?.length) return undefined;
  const index = new Map(labels.map((l, i) => [l.toLowerCase(), i]));
  const allowed = new Uint8Array(labels.length);
  const unknown: string[] = [];
  for (const name of classes) {
    const i = index.get(name.toLowerCase());
    if (i === undefined) unknown.push(name);
    else allowed[i] = 1;
  }
  if (unknown.length) throw new UnknownClassError(unknown, labels);
  return allowed;
}
