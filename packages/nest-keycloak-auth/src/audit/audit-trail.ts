import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuthSettings } from '../auth-settings.js';
import type { AuthError } from '../errors/auth-error.js';
import {
  publishAccepted,
  publishBackchannelLogout,
  publishRefused,
} from '../telemetry/auth-channels.js';
import type { AuthDecisionStage } from '../telemetry/auth-channels.js';
import {
  requestFields,
  stageOf,
  type AuditedRequest,
  type AuditEntry,
  type LogoutAuditEntry,
} from './audit-entry.js';

/** The roles and scopes a decision checked, for its entry. */
export interface CheckedRules {
  rolesRequired?: readonly string[];
  rolesAnyOf?: readonly string[];
  scopesRequired?: readonly string[];
  scopesAnyOf?: readonly string[];
  permissions?: readonly string[];
}

/**
 * The audit trail: one entry per authentication, authorization and introspection decision
 * (and per back-channel logout token), logged under the `Audit` context. Refusals always (WARN, ERROR for 5xx); acceptances only
 * with `auditAccepted` (a line per decision). Every decision is also published for metrics.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('Audit');

  constructor(@Inject(AuthSettings) private readonly settings: AuthSettings) {}

  /** An accepted decision: counted, and logged when `auditAccepted` is on. */
  accepted(stage: AuthDecisionStage, request: AuditedRequest, rules: CheckedRules = {}): void {
    publishAccepted(stage);
    this.logAccepted(stage, request, rules);
  }

  /** Logs an accepted decision another part already counted, when `auditAccepted` is on. */
  logAccepted(stage: AuthDecisionStage, request: AuditedRequest, rules: CheckedRules = {}): void {
    if (!this.settings.auditAccepted) return;
    const entry: AuditEntry = {
      event: 'auth_accepted',
      stage,
      outcome: 'accepted',
      reason: 'ok',
      status: 200,
      ...requestFields(request, undefined),
    };
    if (rules.rolesRequired) entry.rolesRequired = rules.rolesRequired;
    if (rules.rolesAnyOf) entry.rolesAnyOf = rules.rolesAnyOf;
    if (rules.scopesRequired) entry.scopesRequired = rules.scopesRequired;
    if (rules.scopesAnyOf) entry.scopesAnyOf = rules.scopesAnyOf;
    if (rules.permissions) entry.permissions = rules.permissions;
    this.logger.log(entry);
  }

  /** A refusal, answered with `status`: counted and logged. */
  refused(request: AuditedRequest, error: AuthError, status: number): void {
    const stage = stageOf(error.code);
    publishRefused(stage, error.code, status);
    const { requiredRoles, requiredAnyRoles, ownerBypassRoles } = error.details;
    const { requiredScopes, requiredAnyScopes } = error.details;
    const anyOf = requiredAnyRoles ?? ownerBypassRoles;
    const entry: AuditEntry = {
      event: 'auth_refused',
      stage,
      outcome: 'refused',
      reason: error.code,
      status,
      ...requestFields(request, error.details.kid),
      ...(requiredRoles && { rolesRequired: requiredRoles }),
      ...(anyOf && { rolesAnyOf: anyOf }),
      ...(requiredScopes && { scopesRequired: requiredScopes }),
      ...(requiredAnyScopes && { scopesAnyOf: requiredAnyScopes }),
      ...(error.details.permissions && { permissions: error.details.permissions }),
    };
    if (status >= 500) this.logger.error(entry);
    else this.logger.warn(entry);
  }

  /** A back-channel logout, applied (LOG) or refused (WARN): published and always logged. */
  backchannelLogout(entry: Omit<LogoutAuditEntry, 'event'>): void {
    publishBackchannelLogout({ outcome: entry.outcome, reason: entry.reason });
    const line: LogoutAuditEntry = { event: 'backchannel_logout', ...entry };
    if (entry.outcome === 'applied') this.logger.log(line);
    else this.logger.warn(line);
  }
}
