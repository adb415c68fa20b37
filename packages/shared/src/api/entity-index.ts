import { Type, type Static } from 'typebox';

/** Rebuilds a tenant's entity index from the stored results of its videos' current runs. */
export const IndexRebuildBody = Type.Object(
  {
    tenantId: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]{1,64}$',
        description: "The tenant whose table is rebuilt; the admin key's own tenant when absent",
      }),
    ),
  },
  { additionalProperties: false },
);
export type IndexRebuildBody = Static<typeof IndexRebuildBody>;

export const IndexRebuilt = Type.Object(
  {
    tenantId: Type.String(),
    videos: Type.Integer({ description: 'Videos whose current run was indexed' }),
    skipped: Type.Integer({ description: 'Videos without stored results (not completed, or failed)' }),
    rows: Type.Integer({ description: 'Entity rows in the table after the rebuild' }),
    annIndex: Type.Boolean({ description: 'Whether the table has its ANN (IVF-PQ) index' }),
    ms: Type.Integer({ description: 'Time the rebuild took' }),
  },
  { additionalProperties: false },
);
export type IndexRebuilt = Static<typeof IndexRebuilt>;
