import type { Facts } from '../platform/conditions';
import {
  type CompiledRuleSet,
  compileRuleSet,
  explainRuleSet,
  type Hint,
  type Outcome,
  type RuleKind,
  type RuleSetRepository,
} from '../rules';
import type { Policy } from './policies.config';

/** A policy for one citizen: whether they qualify and why, in plain zh-CN. */
export interface PolicyVerdict {
  code: string;
  title: string;
  summary: string;
  serviceCode: string;
  serviceName: string;
  grant: Policy['grant'];
  eligible: boolean;
  /** 「符合条件」 or 「还差：社保缴费满15年，当前12年」 */
  explanation: string;
  /** Conditions that hold (「已满足：…」). */
  reasons: string[];
  /** What is missing (「社保缴费满15年，当前12年」). */
  missing: string[];
}

/** What the policies read of a citizen: the profile facts, when the account is bound to a person. */
export interface PolicySubjects {
  facts(citizenId: string): Promise<{ idIndex: string; facts: Facts } | undefined>;
  /** The citizen's case history (`history.*`: open, completed, applied service codes). */
  history?(citizenId: string): Promise<Facts>;
  /** The bound ID number (pre-review compares the form with it), if any. */
  idNumberOf(citizenId: string): Promise<string | undefined>;
}

export interface PolicyServiceDeps {
  rules: RuleSetRepository;
  /** Code of the recommendation rule set of the home page (outcomes `{serviceCode, reason}`). */
  recommendations?: string;
  subjects: PolicySubjects;
  serviceName: (code: string) => string | undefined;
  now?: () => Date;
}

/**
 * 政策找人 for one citizen: the policies of config/policies.json decided by the latest published version of
 * their eligibility rule sets over the citizen's profile, with explanations; 智能预审 of applications by
 * the services' pre-review rule sets. Compiled rule sets are cached and reloaded when a version is
 * published (here or, within `watch`'s interval, on another instance).
 */
export class PolicyService {
  private compiled = new Map<string, CompiledRuleSet>();
  private loadedAt = -1;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly policies: readonly Policy[],
    private readonly deps: PolicyServiceDeps,
  ) {}

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** Loads the latest published version of every rule set the policies name. */
  async reload(): Promise<void> {
    const at = await this.deps.rules.lastPublishedAt();
    const codes = new Set(
      this.policies.flatMap((p) => [p.eligibility, ...(p.preReview ? [p.preReview] : [])]),
    );
    if (this.deps.recommendations) codes.add(this.deps.recommendations);
    // Dispatch and notification rule sets are named by flows and by configuration: every published one.
    for (const v of await this.deps.rules.list()) if (v.status === 'published') codes.add(v.code);
    const next = new Map<string, CompiledRuleSet>();
    for (const code of codes) {
      const stored = await this.deps.rules.latestPublished(code);
      if (stored) next.set(code, compileRuleSet(stored.ruleSet));
    }
    this.compiled = next;
    this.loadedAt = at;
  }

  /** Reloads when another instance published (checked every `ms`). */
  watch(ms: number): void {
    this.timer = setInterval(() => {
      void this.deps.rules
        .lastPublishedAt()
        .then((at) => (at !== this.loadedAt ? this.reload() : undefined))
        .catch(() => undefined);
    }, ms);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The compiled latest published version of a rule set, if any. */
  ruleSet(code: string): CompiledRuleSet | undefined {
    return this.compiled.get(code);
  }

  /**
   * The outcome of the latest published rule set `code` of `kind` for these facts (the deciding rule's, or
   * `otherwise`); undefined when there is no such published rule set.
   */
  decide(code: string, kind: RuleKind, facts: Facts): Outcome | undefined {
    const compiled = this.compiled.get(code);
    if (compiled?.ruleSet.kind !== kind) return undefined;
    return compiled.evaluate(facts, { now: this.now() }).outcome;
  }

  policy(code: string): Policy | undefined {
    return this.policies.find((p) => p.code === code);
  }

  /** The verdict of one policy over these facts. */
  verdict(policy: Policy, facts: Facts, now = this.now()): PolicyVerdict {
    const base = {
      code: policy.code,
      title: policy.title,
      summary: policy.summary,
      serviceCode: policy.serviceCode,
      serviceName: this.deps.serviceName(policy.serviceCode) ?? policy.title,
      grant: policy.grant,
    };
    const compiled = this.compiled.get(policy.eligibility);
    if (!compiled) {
      return { ...base, eligible: false, explanation: '该政策的认定规则尚未发布', reasons: [], missing: [] };
    }
    const e = explainRuleSet(compiled, facts, { now });
    const eligible = e.decision.outcome.eligible === true;
    const fired = e.rules.find((r) => r.fired && compiled.rules.find((x) => x.id === r.id)?.outcome.eligible);
    // The rule whose missing list the explanation gives (the closest granting rule).
    const closest = e.rules.find((r) => r.missing === e.missing);
    return {
      ...base,
      eligible,
      explanation: e.summary,
      reasons: ((eligible ? fired : closest)?.reasons ?? []).filter((r) => r.startsWith('已满足')),
      missing: eligible ? [] : e.missing,
    };
  }

  /** Every policy for the citizen, eligible first; `bound: false` (and none) before 实名认证. */
  async forCitizen(citizenId: string): Promise<{ bound: boolean; items: PolicyVerdict[] }> {
    const subject = await this.deps.subjects.facts(citizenId);
    if (!subject) return { bound: false, items: [] };
    const now = this.now();
    const items = this.policies.map((p) => this.verdict(p, subject.facts, now));
    items.sort((a, b) => Number(b.eligible) - Number(a.eligible));
    return { bound: true, items };
  }

  /** Whether the citizen qualifies for a service's policy, and why. `eligible: null` when nothing decides. */
  async forService(
    citizenId: string,
    serviceCode: string,
  ): Promise<
    Omit<PolicyVerdict, 'eligible' | 'code' | 'title' | 'summary' | 'serviceName' | 'grant'> & {
      eligible: boolean | null;
      policyCode?: string;
    }
  > {
    const policy = this.policies.find((p) => p.serviceCode === serviceCode);
    if (!policy || !this.compiled.has(policy.eligibility)) {
      return {
        serviceCode,
        eligible: null,
        explanation: '本事项请按办事指南核对申请条件',
        reasons: [],
        missing: [],
      };
    }
    const subject = await this.deps.subjects.facts(citizenId);
    if (!subject) {
      return {
        serviceCode,
        policyCode: policy.code,
        eligible: null,
        explanation: '完成实名认证后，可查看您是否符合申请条件',
        reasons: [],
        missing: [],
      };
    }
    const v = this.verdict(policy, subject.facts);
    return {
      serviceCode,
      policyCode: policy.code,
      eligible: v.eligible,
      explanation: v.explanation,
      reasons: v.reasons,
      missing: v.missing,
    };
  }

  /**
   * 为您推荐: the services the recommendation rule set's rules point to for the citizen's profile (every rule
   * that holds, by priority, each service once, with the rule's zh-CN reason). Empty before 实名认证.
   */
  async recommend(
    citizenId: string,
  ): Promise<{ serviceCode: string; serviceName: string; reason: string }[]> {
    const compiled = this.deps.recommendations ? this.compiled.get(this.deps.recommendations) : undefined;
    if (!compiled) return [];
    const subject = await this.deps.subjects.facts(citizenId);
    if (!subject) return [];
    const seen = new Set<string>();
    const out: { serviceCode: string; serviceName: string; reason: string }[] = [];
    for (const rule of compiled.fired(subject.facts, { now: this.now() })) {
      const { serviceCode, reason } = rule.outcome as { serviceCode?: string; reason?: string };
      const serviceName = serviceCode ? this.deps.serviceName(serviceCode) : undefined;
      // A service that is not (or no longer) published is not recommended.
      if (!serviceCode || !serviceName || seen.has(serviceCode)) continue;
      seen.add(serviceCode);
      out.push({ serviceCode, serviceName, reason: reason ?? rule.title ?? '' });
    }
    return out;
  }

  /**
   * 智能预审 hints of a service's pre-review rule set over the form (`form.*`), the citizen's profile
   * (`profile.*`) and their verified identity (`identity.idNumber`): every rule that holds adds its hints;
   * `blocking` outcomes stop the submission.
   */
  async preReview(
    citizenId: string,
    serviceCode: string,
    formData: Record<string, unknown>,
  ): Promise<(Hint & { blocking: boolean })[]> {
    const policy = this.policies.find((p) => p.serviceCode === serviceCode && p.preReview);
    const compiled = policy?.preReview ? this.compiled.get(policy.preReview) : undefined;
    if (!compiled) return [];
    const [subject, idNumber, history] = await Promise.all([
      this.deps.subjects.facts(citizenId),
      this.deps.subjects.idNumberOf(citizenId),
      this.deps.subjects.history?.(citizenId),
    ]);
    const facts: Facts = {
      ...(history ?? {}),
      form: formData,
      profile: (subject?.facts as { profile?: unknown } | undefined)?.profile ?? {},
      ...(idNumber ? { identity: { idNumber } } : {}),
    };
    return compiled
      .fired(facts, { now: this.now() })
      .flatMap((rule) =>
        (rule.outcome.hints ?? []).map((h) => ({ ...h, blocking: rule.outcome.blocking === true })),
      );
  }
}
