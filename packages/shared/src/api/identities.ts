import { Type, type Static } from 'typebox';

const EntityRef = {
  videoId: Type.String(),
  entityId: Type.String(),
  label: Type.String(),
  firstSeen: Type.Number({ description: 'seconds from the start of its video' }),
  lastSeen: Type.Number(),
  thumbnailUrl: Type.String(),
};

export const MatchesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
    minScore: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'leave out matches scoring below it' }),
    ),
  },
  { additionalProperties: false },
);
export type MatchesQuery = Static<typeof MatchesQuery>;

export const EntityMatch = Type.Object(
  {
    ...EntityRef,
    runId: Type.String(),
    observationCount: Type.Integer(),
    score: Type.Number({
      description:
        '1 − cosine distance / 2 between the two entities’ centroids (1 = same direction, 0.5 = unrelated, 0 = opposite)',
    }),
    evidence: Type.Object(
      {
        vector: Type.Union([Type.Literal('reid'), Type.Literal('general')], {
          description: '`reid`: re-id centroids (people with a re-id model); `general`: embedding centroids',
        }),
        distance: Type.Number({ description: 'cosine distance (0 … 2) of the compared centroids' }),
        model: Type.String({ description: 'the model whose vectors were compared' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const EntityMatches = Type.Object(
  {
    videoId: Type.String(),
    entityId: Type.String(),
    label: Type.String(),
    /** The labels the matches were drawn from. */
    labels: Type.Array(Type.String(), { description: "the entity's label family: labels searched" }),
    matches: Type.Array(EntityMatch),
  },
  { additionalProperties: false },
);
export type EntityMatches = Static<typeof EntityMatches>;

export const IdentitiesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(
      Type.String({ pattern: '^\\d{1,9}$', description: 'offset from the previous page' }),
    ),
    videoId: Type.Optional(
      Type.String({ maxLength: 64, description: 'only identities that appear in this video' }),
    ),
    acrossVideos: Type.Optional(Type.Boolean({ description: 'only identities seen in two or more videos' })),
  },
  { additionalProperties: false },
);
export type IdentitiesQuery = Static<typeof IdentitiesQuery>;

export const IdentityAppearance = Type.Object(
  {
    ...EntityRef,
    runId: Type.String(),
    probability: Type.Number({ description: "HDBSCAN's membership strength of the entity in the identity" }),
  },
  { additionalProperties: false },
);

export const IdentityView = Type.Object(
  {
    id: Type.String({ description: '`i1`, `i2`, …: stable within one recompute only' }),
    label: Type.String(),
    vector: Type.Union([Type.Literal('reid'), Type.Literal('general')]),
    videos: Type.Integer({ description: 'distinct videos it appears in' }),
    appearances: Type.Array(IdentityAppearance),
  },
  { additionalProperties: false },
);

export const IdentityList = Type.Object(
  {
    computedAt: Type.Union([Type.String(), Type.Null()], { description: 'null before the first recompute' }),
    total: Type.Integer(),
    counts: Type.Object(
      {
        entities: Type.Integer({ description: 'entities grouped' }),
        identities: Type.Integer(),
        acrossVideos: Type.Integer({ description: 'identities seen in two or more videos' }),
        leftOut: Type.Optional(
          Type.Integer({
            description:
              'entities not grouped: their label family had more than IDENTITIES_MAX_POOL entities, of which the best-seen were grouped',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    identities: Type.Array(IdentityView),
    nextCursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type IdentityList = Static<typeof IdentityList>;

export const IdentitiesRecompute = Type.Object(
  {
    jobId: Type.String({ description: 'the identities job (one per tenant at a time)' }),
  },
  { additionalProperties: false },
);
export type IdentitiesRecompute = Static<typeof IdentitiesRecompute>;
