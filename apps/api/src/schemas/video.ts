import { Type } from 'typebox';
import { VideoState } from '@orion/shared/api';

export const VideoIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

export const ListQuery = Type.Object(
  {
    // No schema default: a limit given with `ids` must be seen to be refused. 20 when left out.
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Page size (default 20).' })),
    cursor: Type.Optional(Type.String({ maxLength: 128 })),
    state: Type.Optional(VideoState),
    ids: Type.Optional(
      Type.String({
        maxLength: 6600,
        description:
          'Comma-separated video ids (at most 100): the status of each of them in one request, in this order, instead of a page of the list. Ids this key cannot see are listed in `missing`. Not combined with `limit`, `cursor` or `state`.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SubmitHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

export const VideoDeleted = Type.Object(
  {
    id: Type.String(),
    deleted: Type.Literal(true),
    canceledJobs: Type.Integer(),
    runningJobs: Type.Integer(),
  },
  { additionalProperties: false },
);

export const SubmitResponseRef = Type.Ref('SubmitResponse');

export const VideoStatusRef = Type.Ref('VideoStatus');
