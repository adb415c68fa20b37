import { Type } from 'typebox';

export const errorRef = Type.Ref('ErrorResponse');

/**
 * The error responses every authenticated route can give; 503 when the API is overloaded (OVERLOADED)
 * or, for uploads, full (UPLOADS_FULL), both with Retry-After.
 */
export const authErrors = { 401: errorRef, 429: errorRef, 500: errorRef, 503: errorRef };

/** Routes called with `Authorization: Bearer <key>`. */
export const security = [{ bearerAuth: [] }];
