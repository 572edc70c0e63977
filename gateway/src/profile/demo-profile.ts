import type { DeptSimulator, Population } from '@gcrm/connectors/dept-data';
import type { Logger } from 'pino';
import { DEMO_OPENID } from '../demo-data';
import type { IdentityRepository } from '../identity';
import type { ProactiveService } from '../proactive';
import type { CitizenProfiles } from './citizen-profiles';
import { lifeEventsOf } from './life-events';
import { beijingDate, type ProfileDeps } from './merge';
import { findSandboxParents, recordSandboxBirth } from './sandbox-births';
import { syncChanges } from './sync';

/**
 * The demo citizen's 政策找人 story in the embedded sandbox: the account is bound (实名认证) to a working
 * mother of the fictitious population, who had a baby five days before the first start; the profile sync
 * turns the birth into offers (生育津贴, 新生儿出生一件事) on her home page. Idempotent across restarts:
 * the simulators are in memory, so the same birth (same day, same baby) is recorded again each start.
 * Returns the bound person's name and ID number, which the demo cases use as the applicant.
 */
export async function seedDemoProfile(deps: {
  identityRepo: IdentityRepository;
  appId: string;
  profiles: CitizenProfiles;
  proactive: ProactiveService;
  profile: ProfileDeps;
  population: Population;
  health: DeptSimulator<'health'>;
  log: Logger;
  now?: number;
}): Promise<{ name: string; idNumber: string } | undefined> {
  const now = deps.now ?? Date.now();
  const today = beijingDate(now);
  const citizen = await deps.identityRepo.upsertWechatCitizen(deps.appId, DEMO_OPENID, undefined, now);
  const bound = await deps.profiles.identityOf(citizen.id);
  const parents = bound
    ? (() => {
        const index = deps.population.indexOf(bound.idNumber);
        if (index === undefined) return undefined;
        const mother = deps.population.person(index);
        const family = deps.population.family(mother.family);
        const father = family.members.find((m) => m.slot === family.husbandSlot) ?? null;
        return { mother, father };
      })()
    : findSandboxParents(deps.population, today);
  if (!parents) {
    deps.log.warn('no demo parents in the department sandbox population; the demo profile is not seeded');
    return undefined;
  }
  const earlier = bound
    ? (await lifeEventsOf(deps.profile.db, bound.idIndex)).find((e) => e.kind === 'child_birth')
    : undefined;
  const birthDate = earlier?.at ?? beijingDate(now - 5 * 86_400_000);
  recordSandboxBirth(deps.health, deps.population, parents, birthDate);
  if (!bound) {
    await deps.profiles.bind(citizen.id, parents.mother.name, parents.mother.idNumber, {
      ip: null,
      requestId: 'demo-seed',
    });
  }
  const report = await syncChanges(deps.profile, { sources: ['health'] });
  await deps.proactive.onLifeEvents(report.events);
  deps.log.info(
    { events: report.events.length },
    'demo citizen bound to a sandbox mother; the birth is on her timeline',
  );
  return { name: parents.mother.name, idNumber: parents.mother.idNumber };
}
