import { Type } from 'typebox';

export const errorRef = Type.Ref('ErrorResponse');

/** The error responses every authenticated route can give. */
export const authErrors = { 401: errorRef, 429: errorRef, 500: errorRef };

/** Routes called with `Authorization: Bearer <key>`. */
export const security = [{ bearerAuth: [] }];
