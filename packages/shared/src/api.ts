/*
 * The REST contract: the JSON bodies the API answers with and accepts from its clients, as TypeBox
 * schemas and the types derived from them. The API validates and documents with these schemas; the CLI
 * and other clients import the types. Loaded as `@orion/shared/api` (typebox and the word lists only),
 * so a client does not load the storage, queue and model code behind `@orion/shared`.
 */
export * from './api/schema-helpers.js';
export * from './api/errors.js';
export * from './api/videos.js';
export * from './api/entities.js';
export * from './api/search.js';
export * from './api/uploads.js';
export * from './api/entity-index.js';
export * from './api/identities.js';
export * from './api/flags.js';
