import { Type, type Static } from 'typebox';

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

export const errorRef = Type.Ref('ErrorResponse');

/** The error responses every authenticated route can give. */
export const authErrors = { 401: errorRef, 429: errorRef, 500: errorRef };
