export { ApiError, errorResponse, type ErrorBody } from './errors.js';
export { createRoutes } from './routes.js';
export type { AccountView, OperationView } from './views.js';
export { HttpServer } from './HttpServer.js';
