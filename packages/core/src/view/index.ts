export { IllegalViewOperation, ViewQueryFailed, ViewRecoveryFailed } from './errors.js';
export { PersistentView, persistentView } from './PersistentView.js';
export type { PersistentViewSettings, ViewContext } from './PersistentViewSettings.js';
export { Update, type UpdateOptions } from './Update.js';
export type { ViewOptions } from './ViewOptions.js';
