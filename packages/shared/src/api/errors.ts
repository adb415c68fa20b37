import { Type, type Static } from 'typebox';

/** The one shape of every error answer. */

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'HTTP reason phrase' }),
    code: Type.String({ description: 'Stable machine-readable code' }),
    message: Type.String({ description: 'What went wrong, naming the field or file' }),
    requestId: Type.Optional(Type.String()),
  },
  { $id: 'ErrorResponse', additionalProperties: false },
);
export type ErrorResponse = Static<typeof ErrorResponse>;
