export { ApiClient, ApiError, ApiUnreachableError } from './api-client.js';
