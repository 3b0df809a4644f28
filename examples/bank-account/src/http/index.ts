export { ApiError, errorResponse, type ErrorBody } from './errors.js';
export { HttpServer } from './HttpServer.js';
export { createRoutes, startingRoutes, type Services } from './routes.js';
export { ServiceStatus, type Phase, type Readiness } from './ServiceStatus.js';
export type { AccountView, OperationView } from './views.js';
