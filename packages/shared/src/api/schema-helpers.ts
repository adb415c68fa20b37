import { Type, type TLiteral, type TSchema, type TUnion } from 'typebox';

/** `T` or `null`. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** The literal schemas of a word list, as a tuple (TypeBox derives a union's type from a tuple). */
type Literals<T extends readonly string[]> = T extends readonly [
  infer Head extends string,
  ...infer Rest extends readonly string[],
]
  ? [TLiteral<Head>, ...Literals<Rest>]
  : [];

/** A union of the literals of one word list (vocabulary.ts), so the schema never spells them again. */
export function literalUnion<const T extends readonly string[]>(
  words: T,
  options: { description?: string } = {},
): TUnion<Literals<T>> {
  return Type.Union(
    words.map((w) => Type.Literal(w)),
    options,
  ) as TSchema as TUnion<Literals<T>>;
}
