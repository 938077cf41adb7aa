/** Both HTTP platforms, for `describe.each(ADAPTERS)`: every e2e suite runs on each. */
export { HTTP_ADAPTERS as ADAPTERS } from '../../src/config/app.config.js';
