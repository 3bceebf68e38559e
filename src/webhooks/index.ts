export { WebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher.js';
