import { Type, type Static } from 'typebox';

/** Files to upload straight to the bucket (S3 storage). */
export const UploadRequest = Type.Object(
  {
    files: Type.Array(
      Type.Object(
        {
          filename: Type.String({ minLength: 1, maxLength: 255 }),
          contentType: Type.Optional(Type.String({ maxLength: 127 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
export type UploadRequest = Static<typeof UploadRequest>;

export const UploadTargets = Type.Object(
  {
    uploads: Type.Array(
      Type.Object(
        {
          filename: Type.String(),
          key: Type.String({ description: 'Submit this key to POST /v1/videos once uploaded' }),
          method: Type.Literal('PUT'),
          url: Type.String(),
          headers: Type.Record(Type.String(), Type.String()),
          expiresAt: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type UploadTargets = Static<typeof UploadTargets>;
