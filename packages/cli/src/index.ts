export { ApiClient, ApiError, ApiUnreachableError } from './api-client.js';
export { status, describeStatus } from './commands/status.js';
