import { Type } from 'typebox';
import { VideoIdParams } from './video.js';

const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ pattern: '^\\d{1,9}$', description: 'offset from the previous page' })),
};

export const EntityParams = Type.Object({
  id: VideoIdParams.properties.id,
  entityId: Type.String({ maxLength: 64 }),
});

export const EntityQuery = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: 64 })),
    flagged: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ObservationQuery = Type.Object(
  {
    flagged: Type.Optional(Type.Boolean()),
    entity: Type.Optional(Type.String({ maxLength: 64 })),
    label: Type.Optional(Type.String({ maxLength: 64 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const JpegImage = Type.String({ description: 'JPEG image', contentMediaType: 'image/jpeg' });

export const HtmlPage = Type.String({ description: 'HTML page', contentMediaType: 'text/html' });
