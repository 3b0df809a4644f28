export { UnknownProjection } from './errors.js';
export type { ReadModel } from './ReadModel.js';
export { projectionNames, ReadSide, type ReadSideOptions } from './ReadSide.js';
export type { ProjectionReport, ReadSideApi } from './ReadSideApi.js';
