import { Type, type Static } from 'typebox';

/** A search: by text, or "find similar" to an entity, over some or all of the tenant's videos. */
export const SearchBody = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    entity: Type.Optional(
      Type.Object(
        {
          videoId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
          entityId: Type.String({ maxLength: 64 }),
        },
        { additionalProperties: false },
      ),
    ),
    videoIds: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), { minItems: 1, maxItems: 500 }),
    ),
    labels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 80 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false },
);
export type SearchBody = Static<typeof SearchBody>;

export const SearchResults = Type.Object(
  {
    method: Type.Union(
      [Type.Literal('clip-text'), Type.Literal('label-match'), Type.Literal('entity-centroid')],
      {
        description:
          'How the ranking was made: text embedding (clip), COCO labels named in the text (vision), or entity similarity',
      },
    ),
    labels: Type.Optional(
      Type.Array(Type.String(), { description: 'label-match: the COCO labels found in the text' }),
    ),
    results: Type.Array(
      Type.Object(
        {
          videoId: Type.String(),
          entityId: Type.String(),
          label: Type.String(),
          score: Type.Number(),
          observationCount: Type.Integer(),
          firstSeen: Type.Number(),
          lastSeen: Type.Number(),
          thumbnailUrl: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SearchResults = Static<typeof SearchResults>;
