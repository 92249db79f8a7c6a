/** The advisor module's public face: what other modules, the back office and app.ts may use. */
export { formatReport, runAdvisor } from './advisor.service.js';
