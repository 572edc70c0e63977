/**
 * Policies (政策找人, issue 9): config/policies.json ties each policy to a catalog service and to its
 * eligibility (and pre-review) rule sets; {@link PolicyService} decides and explains them for a citizen,
 * {@link policyRoutes} and {@link ruleAdminRoutes} serve them, {@link publishShippedRules} publishes
 * config/rules/ at start.
 */
export { loadPolicies, type Policy, type PolicyGrant } from './policies.config';
export { policyRoutes, ruleAdminRoutes } from './policies.routes';
export { PolicyService, type PolicySubjects, type PolicyVerdict } from './policies.service';
export { publishShippedRules } from './shipped-rules';
