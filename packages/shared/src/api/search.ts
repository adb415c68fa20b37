import { Type, type Static } from 'typebox';

const VideoId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** Filters, paging and the score cut: the same for every kind of search (and the multipart `query`). */
const searchOptions = {
  videoIds: Type.Optional(
    Type.Array(VideoId, { minItems: 1, maxItems: 500, description: 'Only entities of these videos' }),
  ),
  labels: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), {
      minItems: 1,
      maxItems: 80,
      description: 'Only entities with one of these labels',
    }),
  ),
  tags: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 20,
      description: 'Only entities of videos carrying one of these tags',
    }),
  ),
  from: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only entities still in view at this second or later' }),
  ),
  to: Type.Optional(
    Type.Number({ minimum: 0, description: 'Only entities already in view at this second or earlier' }),
  ),
  flagged: Type.Optional(
    Type.Boolean({ description: 'true: only entities with flagged observations; false: only those without' }),
  ),
  likelyFalsePositive: Type.Optional(
    Type.Boolean({ description: 'true: only likely false positives; false: leave them out' }),
  ),
  minScore: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1, description: 'Leave out hits scoring below this (see score)' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  offset: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 10_000, default: 0, description: 'Hits to skip (paging)' }),
  ),
};

/**
 * A search over the tenant's entity index, by exactly one of: text, label, or entity (JSON); or by an
 * image (multipart: an `image` file and, optionally, a `query` field holding SearchImageQuery as JSON).
 */
export const SearchBody = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    entity: Type.Optional(
      Type.Object(
        { videoId: VideoId, entityId: Type.String({ maxLength: 64 }) },
        { additionalProperties: false },
      ),
    ),
    ...searchOptions,
  },
  { additionalProperties: false },
);
export type SearchBody = Static<typeof SearchBody>;

/** The `query` field of an image search (multipart): filters, paging and minScore. */
export const SearchImageQuery = Type.Object(searchOptions, { additionalProperties: false });
export type SearchImageQuery = Static<typeof SearchImageQuery>;

export const SearchMethod = Type.Union(
  [
    Type.Literal('clip-text'),
    Type.Literal('label-match'),
    Type.Literal('label'),
    Type.Literal('entity-centroid'),
    Type.Literal('image'),
  ],
  {
    description:
      'How the ranking was made: text embedding (clip), COCO labels named in the text (vision backend), a label, similarity to an entity, or to an uploaded image',
  },
);
export type SearchMethod = Static<typeof SearchMethod>;

export const SearchHit = Type.Object(
  {
    videoId: Type.String(),
    entityId: Type.String(),
    label: Type.String(),
    score: Type.Number({
      description:
        'In [0, 1], the same scale for every query: 1 − cosine distance / 2 for vector searches (text, entity, image); 1 for label matches',
    }),
    observationCount: Type.Integer(),
    flaggedObservations: Type.Integer(),
    likelyFalsePositive: Type.Boolean(),
    firstSeen: Type.Number(),
    lastSeen: Type.Number(),
    tags: Type.Array(Type.String()),
    thumbnailUrl: Type.String(),
  },
  { additionalProperties: false },
);
export type SearchHit = Static<typeof SearchHit>;

export const SearchResults = Type.Object(
  {
    method: SearchMethod,
    labels: Type.Optional(
      Type.Array(Type.String(), { description: 'label-match: the COCO labels found in the text' }),
    ),
    results: Type.Array(SearchHit),
    nextOffset: Type.Optional(
      Type.Integer({ description: 'The offset of the next page; absent on the last page' }),
    ),
  },
  { additionalProperties: false },
);
export type SearchResults = Static<typeof SearchResults>;
