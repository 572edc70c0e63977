/**
 * Proactive service (政策找人, issue 9): offers made from life events and the nightly re-match, 免申即享
 * grants with decline and re-verification, the citizen's routes and the scheduled jobs.
 */

export { offersPersonalData } from './personal-data';
export { type ProactiveJobDeps, proactiveJobs } from './proactive.jobs';
export { proactiveMigrations } from './proactive.migrations';
export { proactiveRoutes } from './proactive.routes';
export { type OfferStatus, type OfferView, type ProactiveDeps, ProactiveService } from './proactive.service';
