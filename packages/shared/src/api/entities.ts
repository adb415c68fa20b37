import { Type, type Static } from 'typebox';
import { LABEL_VERDICTS, VERIFICATION_STATUSES } from '../vocabulary.js';
import { Nullable, literalUnion } from './schema-helpers.js';
const Box = Type.Array(Type.Number(), {
  minItems: 4,
  maxItems: 4,
  description: '[x1, y1, x2, y2] in source pixels',
});

export const Verification = Nullable(
  Type.Object(
    {
      status: literalUnion(VERIFICATION_STATUSES),
      isMatch: Type.Optional(Type.Boolean()),
      probability: Type.Optional(Type.Number()),
      similarity: Type.Optional(Nullable(Type.Number())),
      confidence: Type.Optional(Type.String()),
      reason: Type.Optional(Type.String()),
      suggestedClass: Nullable(Type.String()),
      suggestedProbability: Nullable(Type.Number()),
      /** The label check's call (absent in shards embedded before it existed). */
      verdict: Type.Optional(literalUnion(LABEL_VERDICTS)),
    },
    { additionalProperties: false },
  ),
);

export const Observation = Type.Object(
  {
    id: Type.String({ description: '`{shard}:{detection}`' }),
    shard: Type.Integer(),
    detection: Type.Integer(),
    frame: Type.Integer(),
    t: Type.Number({ description: 'seconds from the start of the video' }),
    box: Box,
    label: Type.String(),
    score: Type.Number(),
    entity: Nullable(Type.String()),
    tracklet: Nullable(Type.String()),
    probability: Type.Number(),
    verification: Verification,
    flag: Nullable(
      Type.Object(
        {
          reasons: Type.Array(Type.String()),
          suggestedClass: Nullable(Type.String()),
          evidence: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null()])),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'Observation', additionalProperties: false },
);
export type Observation = Static<typeof Observation>;

export const EntitySummary = Type.Object(
  {
    id: Type.String(),
    label: Type.String(),
    classDistribution: Type.Record(Type.String(), Type.Integer()),
    observationCount: Type.Integer(),
    trackletCount: Type.Integer(),
    firstSeen: Type.Number(),
    lastSeen: Type.Number(),
    representative: Type.String(),
    meanProbability: Type.Number(),
    flaggedObservations: Type.Integer(),
    likelyFalsePositive: Type.Boolean(),
    thumbnailUrl: Type.String(),
  },
  { $id: 'EntitySummary', additionalProperties: false },
);
export type EntitySummary = Static<typeof EntitySummary>;

export const EntityList = Type.Object(
  {
    runId: Type.String(),
    total: Type.Integer({ description: 'entities matching the filters' }),
    entities: Type.Array(Type.Ref('EntitySummary')),
    nextCursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const EntityDetail = Type.Object(
  {
    runId: Type.String(),
    entity: Type.Ref('EntitySummary'),
    observations: Type.Array(Type.Ref('Observation')),
  },
  { additionalProperties: false },
);

export const ObservationList = Type.Object(
  {
    runId: Type.String(),
    total: Type.Integer(),
    observations: Type.Array(Type.Ref('Observation')),
    nextCursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** The lists' static types (their schemas hold `$ref`s, which TypeBox types as unknown). */
export type EntityList = { runId: string; total: number; entities: EntitySummary[]; nextCursor?: string };
export type ObservationList = {
  runId: string;
  total: number;
  observations: Observation[];
  nextCursor?: string;
};
