/** a / b, and 0 when there is nothing to divide (a metric over an empty set). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}
